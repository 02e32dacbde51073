import path from 'node:path';
import sharp from 'sharp';
import { startServer } from '@open-discord/server';
import { describe, it } from 'vitest';
import { hasTmux, testScope } from './tui-support.js';

/* An image uploaded from one real terminal, seen by another person in theirs. */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-files: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, member } = testScope();

describe.skipIf(tmuxMissing)('files in a real terminal', () => {
  it('alice uploads an image with a caption; bob sees the attachment line', async () => {
    const srv = await startServer({ dataDir: tempDir(), port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
    cleanups.push(() => srv.close());
    const alice = await member(srv, 'alice', srv.firstRunInvite!);
    const bob = await member(srv, 'bob');
    await alice.waitForText(/ live .*alice/);
    await bob.waitForText(/ live .*bob/);

    const file = path.join(tempDir(), 'sunset.png');
    await sharp({ create: { width: 64, height: 32, channels: 3, background: { r: 250, g: 120, b: 40 } } }).png().toFile(file);
    alice.line(`/upload ${file} the view tonight`);
    await bob.waitForText('the view tonight');
    await bob.waitForText(/\[image sunset\.png \d+ (B|KB)\]/);
    await alice.waitForText(/\[image sunset\.png \d+ (B|KB)\]/);
  });
});
