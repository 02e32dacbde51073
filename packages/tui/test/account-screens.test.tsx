import type { Key } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { resolveInput } from '../src/keys/keymap.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { qrLines } from '../src/ui/qr-lines.js';
import { FakeClient } from './fake-client.js';
import { boot, run } from './fixtures.js';

afterEach(() => cleanup());

const tick = () => new Promise((r) => setImmediate(r));
const NO_KEY = {} as Key;
const URI = 'otpauth://totp/open_discord:ada?issuer=open_discord&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30';

/** A chat on a big terminal (the QR code needs the rows), driven through the controllers and the keys. */
function chat() {
  const client = new FakeClient();
  const store = createStore(run([{ type: 'resize', cols: 120, rows: 60 }], boot()));
  const actions = attachClient(client, store, { onQuit: () => {} });
  const keys = (raw: string, key: Partial<Key> = {}) => {
    const s = store.getState();
    const context = s.overlay ? s.overlay.kind : 'chat';
    for (const intent of resolveInput(raw, { ...NO_KEY, ...key } as Key, context)) handleIntent(intent, store, actions, () => {});
  };
  const frame = () => render(<ChatScreen state={store.getState()} now={0} />).lastFrame()!;
  return { client, store, actions, keys, frame };
}

describe('the QR code drawn in the terminal', () => {
  it('is square, two module rows a line, with a light quiet zone around it', () => {
    const lines = qrLines(URI);
    const width = lines[0]!.length;
    for (const l of lines) expect([...l].length).toBe(width);
    // Rows are halved: a (size + 4)-module square takes about half as many lines as columns.
    expect(lines.length).toBe(Math.ceil(width / 2));
    expect(lines[0]).toMatch(/^[█▀]+$/);
    expect(lines[0]!.startsWith('██')).toBe(true);
    // A different text is a different code.
    expect(qrLines(URI.replace('ada', 'bob'))).not.toEqual(lines);
  });
});

describe('/2fa enable on screen', () => {
  it('shows the QR code and the secret, sends the typed code, then shows the recovery codes once', async () => {
    const { client, store, actions, keys, frame } = chat();
    actions.submit('/2fa enable');
    expect(frame()).toContain('preparing a secret');
    client.of('twofa.setup')[0]!.resolve({ secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', uri: URI });
    await tick();
    let f = frame();
    expect(f).toContain('scan this with your authenticator app');
    for (const line of qrLines(URI).slice(0, 5)) expect(f).toContain(line);
    expect(f).toContain('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    // The code goes into the screen, not the input line.
    keys('123456');
    expect(store.getState().input.text).toBe('');
    expect(frame()).toMatch(/Two-factor code.*: 123456/);
    keys('', { return: true });
    const enable = client.of('twofa.enable');
    expect(enable.map((r) => r.params)).toEqual([{ code: '123456' }]);
    enable[0]!.reject(new ProtocolError('UNAUTHORIZED', 'invalid two-factor code'));
    await tick();
    expect(frame()).toContain('invalid two-factor code');
    keys('654321');
    keys('', { return: true });
    const codes = Array.from({ length: 10 }, (_, i) => `abcde-fgh${i}k`);
    client.of('twofa.enable')[1]!.resolve({ recoveryCodes: codes });
    await tick();
    f = frame();
    expect(f).toContain('Two-factor login is on');
    for (const c of codes) expect(f).toContain(c);
    keys('', { escape: true });
    // Closed, and the codes are gone from memory.
    expect(store.getState().overlay).toBeNull();
    expect(store.getState().account).toBeNull();
    expect(frame()).not.toContain(codes[0]);
  });

  it('on a terminal too short for the QR code it shows the secret and the code field, and says why', async () => {
    const { client, store, actions, frame } = chat();
    store.dispatch({ type: 'resize', cols: 80, rows: 24 });
    actions.submit('/2fa enable');
    client.of('twofa.setup')[0]!.resolve({ secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', uri: URI });
    await tick();
    const f = frame();
    expect(f).toContain('too short for the QR code');
    expect(f).not.toContain(qrLines(URI)[0]);
    expect(f).toContain('JBSW Y3DP EHPK 3PXP');
    expect(f).toMatch(/Two-factor code/);
  });

  it('a setup refusal closes the screen with the reason', async () => {
    const { client, store, actions } = chat();
    actions.submit('/2fa enable');
    client.of('twofa.setup')[0]!.reject(new ProtocolError('CONFLICT', 'two-factor login is already on; turn it off first'));
    await tick();
    expect(store.getState().overlay).toBeNull();
    expect(store.getState().flash?.text).toMatch(/already on/);
  });
});

describe('/2fa disable and /password', () => {
  it('asks for the password hidden, then the code, and sends both', async () => {
    const { client, store, actions, keys, frame } = chat();
    actions.submit('/2fa disable');
    keys('hunter2-secret');
    expect(frame()).not.toContain('hunter2-secret');
    keys('', { return: true });
    keys('111111');
    keys('', { return: true });
    expect(client.of('twofa.disable').map((r) => r.params)).toEqual([{ password: 'hunter2-secret', code: '111111' }]);
    client.of('twofa.disable')[0]!.reject(new ProtocolError('UNAUTHORIZED', 'wrong password'));
    await tick();
    // Back to the password, emptied.
    const a = store.getState().account!;
    expect(a.kind === 'form' && a.fields[a.step]!.name).toBe('password');
    expect(frame()).toContain('wrong password');
  });

  it('/password checks the new password twice, adds the code field when the server asks, and closes when done', async () => {
    const { client, store, actions, keys, frame } = chat();
    actions.submit('/password');
    keys('old-password');
    keys('', { return: true });
    keys('short');
    keys('', { return: true });
    expect(frame()).toMatch(/at least 8 characters/);
    keys('new-password-1');
    keys('', { return: true });
    keys('new-password-2');
    keys('', { return: true });
    expect(frame()).toContain('the two passwords differ');
    keys('new-password-1');
    keys('', { return: true });
    keys('new-password-1');
    keys('', { return: true });
    const sent = client.of('password.change');
    expect(sent.map((r) => r.params)).toEqual([{ current: 'old-password', password: 'new-password-1' }]);
    for (const secret of ['old-password', 'new-password-1']) expect(frame()).not.toContain(secret);
    sent[0]!.reject(new ProtocolError('CODE_REQUIRED', 'this account needs a two-factor code'));
    await tick();
    expect(frame()).toMatch(/Two-factor code/);
    keys('222333');
    keys('', { return: true });
    expect(client.of('password.change')[1]!.params).toEqual({ current: 'old-password', password: 'new-password-1', code: '222333' });
    client.of('password.change')[1]!.resolve({ ok: true });
    await tick();
    expect(store.getState().account).toBeNull();
    expect(store.getState().flash?.text).toMatch(/password changed/);
  });
});

describe('/sessions', () => {
  const sessions = [
    { id: 'f1', client: 'od 0.1.0', address: '10.0.0.2', firstSeen: Date.UTC(2026, 0, 2, 3, 4), lastSeen: Date.UTC(2026, 0, 3), current: true },
    { id: 'f2', client: 'od 0.1.0 laptop', address: '10.0.0.9', firstSeen: Date.UTC(2026, 0, 1), lastSeen: Date.UTC(2026, 0, 1), current: false },
    { id: 'f3', client: 'bot', address: '10.0.0.7', firstSeen: Date.UTC(2025, 11, 1), lastSeen: Date.UTC(2025, 11, 2), current: false },
  ];

  it('lists them with the current one marked; r logs the chosen one out, o every other, and the list reloads', async () => {
    const { client, actions, keys, frame, store } = chat();
    actions.submit('/sessions');
    client.of('sessions.list')[0]!.resolve({ sessions, appPasswords: [] });
    await tick();
    const f = frame();
    expect(f).toContain('od 0.1.0 · 10.0.0.2 · since 2026-01-02 03:04');
    expect(f).toContain('this one');
    expect(f).toContain('od 0.1.0 laptop · 10.0.0.9');
    // The current one cannot be logged out from here.
    keys('r');
    expect(client.of('sessions.revoke')).toEqual([]);
    expect(frame()).toContain('that is this session');
    keys('', { downArrow: true });
    keys('r');
    expect(client.of('sessions.revoke').map((r) => r.params)).toEqual([{ sessionId: 'f2' }]);
    client.of('sessions.revoke')[0]!.resolve({ ok: true });
    await tick();
    client.of('sessions.list')[1]!.resolve({ sessions: [sessions[0], sessions[2]], appPasswords: [] });
    await tick();
    expect(frame()).toContain('logged out od 0.1.0 laptop');
    expect(frame()).not.toContain('od 0.1.0 laptop · 10.0.0.9');
    keys('o');
    client.of('sessions.revokeOthers')[0]!.resolve({ revoked: 1 });
    await tick();
    client.of('sessions.list')[2]!.resolve({ sessions: [sessions[0]], appPasswords: [] });
    await tick();
    expect(frame()).toContain('logged out 1 other session');
    expect(frame()).not.toContain('bot ·');
    keys('', { escape: true });
    expect(store.getState().overlay).toBeNull();
  });
});
