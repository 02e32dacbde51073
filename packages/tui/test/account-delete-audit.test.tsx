import type { Key } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { resolveInput } from '../src/keys/keymap.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { FakeClient } from './fake-client.js';
import { ALICE, BOB, boot, run } from './fixtures.js';

afterEach(() => cleanup());

const tick = () => new Promise((r) => setImmediate(r));
const NO_KEY = {} as Key;

/** A chat driven through the controllers and the keys; `exports` records what /account export asked for. */
function chat() {
  const client = new FakeClient();
  const store = createStore(run([{ type: 'resize', cols: 140, rows: 40 }], boot()));
  const exports: Array<{ out: string | undefined; finish: (summary: string) => void; fail: (e: Error) => void; progress: (t: string) => void }> = [];
  const actions = attachClient(client, store, {
    onQuit: () => {},
    exportAccount: (out, progress) => new Promise<string>((finish, fail) => exports.push({ out, finish, fail, progress })),
  });
  const keys = (raw: string, key: Partial<Key> = {}) => {
    const s = store.getState();
    const context = s.overlay ? s.overlay.kind : 'chat';
    for (const intent of resolveInput(raw, { ...NO_KEY, ...key } as Key, context)) handleIntent(intent, store, actions, () => {});
  };
  const frame = () => render(<ChatScreen state={store.getState()} now={0} />).lastFrame()!;
  return { client, store, actions, keys, frame, exports };
}

describe('/account delete on screen', () => {
  it('asks for the password (never drawn), adds the code when the server asks, sends the choice, then closes', async () => {
    const { client, store, actions, keys, frame } = chat();
    actions.submit('/account delete keep');
    let f = frame();
    expect(f).toContain('Delete your account');
    expect(f).toContain('Your messages in shared rooms stay under "deleted user".');
    keys('hunter2-secret');
    expect(store.getState().input.text).toBe('');
    expect(frame()).not.toContain('hunter2-secret');
    keys('', { return: true });
    const first = client.of('account.delete');
    expect(first.map((r) => r.params)).toEqual([{ password: 'hunter2-secret', messages: 'keep' }]);
    first[0]!.reject(new ProtocolError('CODE_REQUIRED', 'this account needs a two-factor code'));
    await tick();
    f = frame();
    expect(f).toContain('enter the code');
    expect(f).toMatch(/Two-factor code/);
    keys('123456');
    keys('', { return: true });
    const second = client.of('account.delete')[1]!;
    expect(second.params).toEqual({ password: 'hunter2-secret', code: '123456', messages: 'keep' });
    second.resolve({ ok: true, messages: 'keep' });
    await tick();
    expect(store.getState().overlay).toBeNull();
    expect(store.getState().account).toBeNull();
    expect(store.getState().flash?.text).toMatch(/your account was deleted; .* kept under "deleted user"/);
  });

  it('a wrong password is said under the field and typed again from empty; a bad choice never opens the form', async () => {
    const { client, store, actions, keys, frame } = chat();
    actions.submit('/account delete maybe');
    expect(store.getState().overlay).toBeNull();
    expect(store.getState().flash?.text).toMatch(/keep .* or erase/);
    actions.submit('/account delete');
    expect(frame()).toContain('erased or kept, as the server decides');
    keys('wrong');
    keys('', { return: true });
    client.of('account.delete')[0]!.reject(new ProtocolError('UNAUTHORIZED', 'wrong password'));
    await tick();
    expect(frame()).toContain('wrong password');
    expect(store.getState().account).toMatchObject({ kind: 'form', values: { password: '' } });
    expect(client.of('account.delete')[0]!.params).toEqual({ password: 'wrong' });
  });
});

describe('/account export on screen', () => {
  it('runs the same export as od export, shows its progress and then where the archive went', async () => {
    const { store, actions, exports } = chat();
    actions.submit('/account export ~/backup.tar');
    expect(exports.map((e) => e.out)).toEqual(['~/backup.tar']);
    exports[0]!.progress('\r[##########..........] 1/2 files');
    expect(store.getState().flash?.text).toBe('exporting: [##########..........] 1/2 files');
    exports[0]!.finish('exported 3 messages, 1 reactions and 2 files to /home/me/backup.tar');
    await tick();
    expect(store.getState().flash?.text).toBe('exported 3 messages, 1 reactions and 2 files to /home/me/backup.tar');
    actions.submit('/account export');
    exports[1]!.fail(new Error('server unreachable'));
    await tick();
    expect(store.getState().flash).toMatchObject({ kind: 'error' });
    expect(store.getState().flash?.text).toMatch(/^\/account export: .*unreachable/);
  });
});

describe('/audit on screen', () => {
  it('shows the entries newest first with names from the world, or the refusal', async () => {
    const { client, store, actions, frame } = chat();
    actions.submit('/audit');
    client.of('audit.list')[0]!.resolve({
      entries: [
        { seq: 2, at: Date.UTC(2026, 10, 28, 1, 2), actorId: ALICE, action: 'member.ban', targetUserId: BOB, roomId: null, detail: {} },
        { seq: 1, at: Date.UTC(2026, 10, 28, 1, 0), actorId: null, action: 'room.retention', targetUserId: null, roomId: 'r-dev', detail: { seconds: 604800 } },
      ],
    });
    await tick();
    const f = frame();
    expect(f).toContain('audit log');
    expect(f).toContain('2026-11-28 01:02  alice  member.ban  → bob');
    expect(f).toContain('2026-11-28 01:00  operator  room.retention  in #dev  seconds=604800');
    expect(f.indexOf('member.ban')).toBeLessThan(f.indexOf('room.retention'));
    store.dispatch({ type: 'overlay/close' });
    actions.submit('/audit');
    client.of('audit.list')[1]!.reject(new ProtocolError('FORBIDDEN', 'you need the manage_roles or manage_members permission to read the audit log'));
    await tick();
    expect(store.getState().flash?.text).toMatch(/^\/audit: .*manage_roles/);
  });
});
