import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { createStore } from '../src/state/store.js';
import { ChatApp } from '../src/ui/ChatApp.js';
import { ALICE, boot, created, ME, msg, run } from './fixtures.js';
import { FakeClient } from './fake-client.js';
import { until } from './support/until.js';

afterEach(() => cleanup());

const reacted = (order: number, userId: string, emoji: string, messageId: string): ClientEvent =>
  ({ type: 'reaction.added', order, id: `e${order}`, roomId: 'r-gen', actorId: userId, createdAt: 0, data: { messageId, roomId: 'r-gen', emoji, userId } }) as ClientEvent;

describe('selection mode on the chat screen', () => {
  it('Up on an empty line highlights my last message with who reacted; e edits it in place; Enter saves', async () => {
    const events = [created(msg(11)), created(msg(12, { authorId: ME, text: 'my words' })), created(msg(13)), reacted(14, ALICE, '🎉', 'm12')];
    const store = createStore(run(events.map((event) => ({ type: 'event' as const, event })), boot()));
    const client = new FakeClient();
    const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1', now: () => 0, writeTerminal: () => {} });
    const { stdin, lastFrame } = render(<ChatApp store={store} actions={actions} onQuit={() => {}} />);
    await until(lastFrame, (f) => f.includes('🎉 1'));
    expect(lastFrame()).not.toContain('🎉 alice');

    stdin.write('\x1b[A');
    await until(lastFrame, (f) => f.includes('🎉 alice'));
    stdin.write('e');
    await until(lastFrame, (f) => !f.includes('🎉 alice') && /\] my words$/m.test(f));
    stdin.write(' too');
    await until(lastFrame, (f) => f.includes('my words too'));
    stdin.write('\r');
    await until(() => String(client.of('message.edit').length), (n) => n === '1');
    expect(client.of('message.edit')[0]!.params).toEqual({ messageId: 'm12', text: 'my words too' });
    expect(client.of('message.send')).toEqual([]);
  });
});
