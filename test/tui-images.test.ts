import path from 'node:path';
import sharp from 'sharp';
import { putSession } from '../packages/tui/src/config/sessions.js';
import { signup } from '@open-discord/protocol';
import { startServer } from '@open-discord/server';
import { describe, it } from 'vitest';
import { hasTmux, testScope } from './tui-support.js';

/*
 * A picture in a real terminal with `--images kitty`: the built od fetches the thumbnail, decodes it and
 * draws its rows as kitty's placeholder cells (tmux keeps them as text; the picture's bytes themselves are
 * an escape tmux does not pass on, so only the cells are checked here).
 */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-images: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, member, terminal } = testScope();
const PLACEHOLDER = String.fromCodePoint(0x10eeee);

describe.skipIf(tmuxMissing)('pictures in a real terminal', () => {
  it('bob, with --images kitty, sees the uploaded picture as placeholder cells under its label', { timeout: 120_000 }, async () => {
    const srv = await startServer({ dataDir: tempDir(), port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
    cleanups.push(() => srv.close());
    const alice = await member(srv, 'alice', srv.firstRunInvite!);
    const pair = await signup(srv.url, { username: 'bob', password: 'correct-horse-1', nickname: 'bob' });
    const config = path.join(tempDir(), 'od');
    putSession(config, 'local', { url: srv.url, refreshToken: pair.refreshToken });
    const bob = terminal(120, 30);
    bob.start({ OD_CONFIG_DIR: config, OD_NOTIFY: 'bell' }, ['--images', 'kitty']);
    await alice.waitForText(/ live .*alice/, 30_000);
    await bob.waitForText(/ live .*bob/, 30_000);

    const file = path.join(tempDir(), 'wide.png');
    await sharp({ create: { width: 128, height: 32, channels: 3, background: { r: 20, g: 120, b: 240 } } }).png().toFile(file);
    alice.line(`/upload ${file}`);
    await bob.waitForText(/\[image wide\.png \d+ (B|KB)\]/, 30_000);
    // 128 × 32 pixels on 8 × 16 cells: 40 cells wide (the most), 5 rows.
    await bob.waitFor((s) => s.split('\n').filter((r) => r.includes(PLACEHOLDER)).length === 5, 'five rows of placeholder cells', 30_000);
  });
});
