import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { reducer } from '../src/state/reducer.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { LoginForm, type LoginValues } from '../src/ui/LoginForm.js';
import { StatusLine } from '../src/ui/StatusLine.js';
import { boot, created, msg, ME } from './fixtures.js';

afterEach(() => cleanup());


describe('chat screen', () => {
  it('shows rooms by category with unread counts and mention marks, the current room and its messages', () => {
    let s = boot();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1, { text: 'hello everyone' }), msg(2, { authorId: 'u-bob', text: 'hi alice' })], end: true });
    s = reducer(s, { type: 'event', event: created(msg(11, { roomId: 'r-dev' })) });
    s = reducer(s, { type: 'event', event: created(msg(12, { roomId: 'r-dev', mentions: [ME] })) });
    s = reducer(s, { type: 'event', event: created(msg(13, { roomId: 'r-ops' })) });
    const { lastFrame } = render(<ChatScreen state={s} now={0} />);
    const f = lastFrame()!;
    expect(f).toMatch(/1 #general/);
    expect(f).toContain('WORK');
    expect(f).toMatch(/2 #dev\s+@2/);
    expect(f).toMatch(/3 #ops\s+1/);
    expect(f).toMatch(/\d\d:\d\d alice hello everyone/);
    expect(f).toMatch(/\d\d:\d\d bob hi alice/);
    expect(f).toContain('This is the start of #general.');
    expect(f).toContain('#general — chat about anything');
    expect(f.split('\n')).toHaveLength(30);
  });

  it('marks pending and failed sends', () => {
    let s = boot();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [], end: true });
    s = reducer(s, { type: 'send/started', roomId: 'r-gen', nonce: 'a', text: 'on its way', authorId: ME, at: 0 });
    s = reducer(s, { type: 'send/started', roomId: 'r-gen', nonce: 'b', text: 'doomed', authorId: ME, at: 0 });
    s = reducer(s, { type: 'send/failed', roomId: 'r-gen', nonce: 'b', error: 'rate limited' });
    const f = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(f).toMatch(/me on its way …/);
    expect(f).toContain('✗ not sent: rate limited — Ctrl+R retries');
  });

  it('shows "N new ↓" when scrolled up and new messages arrive', () => {
    let s = boot();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: Array.from({ length: 100 }, (_, i) => msg(i + 1)), end: true });
    s = reducer(s, { type: 'scroll', lines: 40 });
    s = reducer(s, { type: 'event', event: created(msg(101)) });
    s = reducer(s, { type: 'event', event: created(msg(102)) });
    expect(render(<ChatScreen state={s} now={0} />).lastFrame()).toContain('2 new ↓');
  });

  it('shows the reload marker after a too-large gap', () => {
    let s = boot();
    s = reducer(s, { type: 'snapshot', state: { ...snapshotFor(), head: 9000 }, reason: 'gap-too-large' });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(8990, { text: 'after the gap' })], end: false });
    const f = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(f).toContain('history reloaded — earlier messages may be older than shown');
    expect(f.indexOf('history reloaded')).toBeLessThan(f.indexOf('after the gap'));
  });

  it('shows the help overlay with every command', () => {
    const s = reducer(boot(), { type: 'overlay/help', lines: ['/join <room>  Switch to a room'] });
    expect(render(<ChatScreen state={s} now={0} />).lastFrame()).toContain('/join <room>  Switch to a room');
  });
});

import { snapshot as snapshotFor } from './fixtures.js';
import { until } from './support/until.js';

describe('status line', () => {
  const line = (status: Parameters<typeof StatusLine>[0]['status'], now = 0) =>
    render(<StatusLine status={status} now={now} room="general" topic="hi" nick="me" width={80} />).lastFrame()!;

  it('shows each connection state', () => {
    expect(line({ state: 'connecting', attempt: 1 })).toContain('connecting…');
    expect(line({ state: 'connecting', attempt: 3 })).toContain('connecting (attempt 3)…');
    expect(line({ state: 'authenticating' })).toContain('authenticating…');
    expect(line({ state: 'resyncing', through: 400, head: 1000 })).toContain('resyncing 400/1000');
    expect(line({ state: 'live' })).toMatch(/live\s+#general — hi\s+me/);
    expect(line({ state: 'offline', retryAt: 10_500, reason: 'gone' }, 7_000)).toContain('offline — retry in 4s');
    expect(line({ state: 'closed', reason: 'banned', code: 4403 })).toContain('closed: banned');
  });
});

describe('login form', () => {
  it('asks for the URL, then log in or sign up, and never echoes the password', async () => {
    const submitted: LoginValues[] = [];
    const { stdin, lastFrame } = render(
      <LoginForm onSubmit={async (v) => void submitted.push(v)} onCancel={() => {}} />,
    );
    // Pre-filled with the default local server; Ctrl+U clears it for another.
    await until(lastFrame, (f) => f.includes('Server URL: http://127.0.0.1:7331'));
    stdin.write('\x15');
    await until(lastFrame, (f) => !f.includes('7331'));
    stdin.write('http://127.0.0.1:4000');
    await until(lastFrame, (f) => f.includes('http://127.0.0.1:4000'));
    stdin.write('\r');
    await until(lastFrame, (f) => f.includes('[log in]'));
    stdin.write('s');
    await until(lastFrame, (f) => f.includes('Username:'));
    for (const part of ['carol', '\r', 'secret-pass-1', '\r']) {
      stdin.write(part);
      await new Promise((r) => setTimeout(r, 5));
    }
    const f = await until(lastFrame, (fr) => fr.includes('Invite code'));
    expect(f).not.toContain('secret-pass-1');
    stdin.write('INV-123');
    await until(lastFrame, (fr) => fr.includes('INV-123'));
    stdin.write('\r');
    const nickStep = await until(lastFrame, (fr) => fr.includes('Nickname (shown to others)'));
    expect(nickStep).toContain('your username is only for logging in');
    // Sign-up needs a nickname: an empty one is refused, not replaced by the username.
    stdin.write('\r');
    await until(lastFrame, (fr) => fr.includes('a nickname is required'));
    expect(submitted).toEqual([]);
    stdin.write('Caz');
    await until(lastFrame, (fr) => fr.includes('Caz'));
    stdin.write('\r');
    await until(() => String(submitted.length), (n) => n === '1');
    expect(submitted[0]).toEqual({ url: 'http://127.0.0.1:4000', mode: 'signup', username: 'carol', password: 'secret-pass-1', invite: 'INV-123', nickname: 'Caz' });
  });

  it('shows the server error and returns to the password', async () => {
    const { stdin, lastFrame } = render(
      <LoginForm initialUrl="http://x" onSubmit={() => Promise.reject(new Error('wrong username or password'))} onCancel={() => {}} />,
    );
    await until(lastFrame, (f) => f.includes('[log in]'));
    stdin.write('\r');
    await until(lastFrame, (f) => f.includes('Username:'));
    stdin.write('bob');
    await until(lastFrame, (f) => f.includes('bob'));
    stdin.write('\r');
    await until(lastFrame, (f) => f.includes('Password: (hidden)'));
    stdin.write('nope-nope');
    await new Promise((r) => setTimeout(r, 5));
    stdin.write('\r');
    const f = await until(lastFrame, (fr) => fr.includes('wrong username or password'));
    expect(f).toContain('Password: (hidden)');
  });

  it('Esc back clears the fields, so typing them again never appends', async () => {
    const submitted: LoginValues[] = [];
    const { stdin, lastFrame } = render(<LoginForm onSubmit={async (v) => void submitted.push(v)} onCancel={() => {}} />);
    await until(lastFrame, (f) => f.includes('Server URL: http://127.0.0.1:7331'));
    stdin.write('\r');
    await until(lastFrame, (f) => f.includes('[log in]'));
    stdin.write('l');
    await until(lastFrame, (f) => f.includes('Username:'));
    stdin.write('dave');
    await until(lastFrame, (f) => f.includes('dave'));
    stdin.write('\r');
    await until(lastFrame, (f) => f.includes('Password: (hidden)'));
    stdin.write('\x1b');
    await until(lastFrame, (f) => !f.includes('Password'));
    stdin.write('dave');
    expect(await until(lastFrame, (f) => f.includes('Username: dave'))).not.toContain('davedave');
    stdin.write('\r');
    await until(lastFrame, (f) => f.includes('Password: (hidden)'));
    stdin.write('pass-word-1');
    await until(lastFrame, (f) => f.includes('Password: (hidden)'));
    stdin.write('\r');
    await until(() => String(submitted.length), (n) => n === '1');
    expect(submitted[0]).toMatchObject({ url: 'http://127.0.0.1:7331', username: 'dave' });
  });
});
