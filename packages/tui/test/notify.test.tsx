import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatActions } from '../src/controllers/index.js';
import { NOTIFY_TEXT_MAX, notificationBytes, notifyMode, sanitizeNotifyText } from '../src/notify/notify.js';
import { reducer } from '../src/state/reducer.js';
import { mentionNotice } from '../src/state/notices/notices.js';
import { createStore } from '../src/state/store.js';
import { ChatApp } from '../src/ui/ChatApp.js';
import { ALICE, ME, boot, created, msg } from './fixtures.js';

afterEach(() => cleanup());

describe('which notification a terminal gets', () => {
  it('uses OSC 9 only on terminals known to show it, the bell elsewhere', () => {
    expect(notifyMode({ TERM_PROGRAM: 'iTerm.app' })).toBe('osc9');
    expect(notifyMode({ TERM_PROGRAM: 'WezTerm', TERM: 'xterm-256color' })).toBe('osc9');
    expect(notifyMode({ TERM_PROGRAM: 'ghostty' })).toBe('osc9');
    expect(notifyMode({ TERM: 'xterm-kitty' })).toBe('osc9');
    expect(notifyMode({ TERM: 'xterm-256color' })).toBe('bell');
    expect(notifyMode({ TERM_PROGRAM: 'Apple_Terminal', TERM: 'xterm-256color' })).toBe('bell');
    // Inside tmux TERM_PROGRAM names tmux, whatever the outer terminal is.
    expect(notifyMode({ TERM_PROGRAM: 'tmux', TERM: 'tmux-256color' })).toBe('bell');
    expect(notifyMode({})).toBe('bell');
  });

  it('OD_NOTIFY overrides the detection; an unknown value is ignored', () => {
    expect(notifyMode({ OD_NOTIFY: 'off', TERM_PROGRAM: 'iTerm.app' })).toBe('off');
    expect(notifyMode({ OD_NOTIFY: 'osc9', TERM: 'linux' })).toBe('osc9');
    expect(notifyMode({ OD_NOTIFY: ' Bell ', TERM: 'xterm-kitty' })).toBe('bell');
    expect(notifyMode({ OD_NOTIFY: 'loud', TERM: 'xterm-kitty' })).toBe('osc9');
  });
});

describe('the bytes written', () => {
  it('is BEL, an OSC 9 with the text, or nothing', () => {
    expect(notificationBytes('bell', 'alice in #dev: hi')).toBe('\x07');
    expect(notificationBytes('osc9', 'alice in #dev: hi')).toBe('\x1b]9;alice in #dev: hi\x07');
    expect(notificationBytes('off', 'alice in #dev: hi')).toBe('');
  });

  it('never lets message text end the OSC or smuggle escapes', () => {
    const evil = 'hi\x07\x1b]0;pwned\x07\x1b[2J\nline two\x9c!';
    const out = notificationBytes('osc9', evil);
    expect(out).toBe('\x1b]9;hi\ufffd\ufffd]0;pwned\ufffd\ufffd[2J line two\ufffd!\x07');
    // Exactly one introducer and one terminator, nothing else below 0x20 or in C1.
    expect(out.slice(4, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('bounds long text', () => {
    const s = sanitizeNotifyText('x'.repeat(1000));
    expect([...s]).toHaveLength(NOTIFY_TEXT_MAX);
    expect(s.endsWith('…')).toBe(true);
  });
});

describe('mention notifications from the store', () => {
  const mention = created(msg(11, { roomId: 'r-dev', authorId: ALICE, text: 'are you there @me?', mentions: [ME] }));

  it('a mention in a room that is not focused rings once and says who, where and what', () => {
    const s = reducer(boot(), { type: 'event', event: mention });
    expect(s.bell).toBe(1);
    expect(mentionNotice(s)).toBe('alice in #dev: are you there @me?');
  });

  it('a mention in the focused room, a plain message, or my own message does not', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: created(msg(11, { mentions: [ME] })) });
    s = reducer(s, { type: 'event', event: created(msg(12, { roomId: 'r-dev' })) });
    s = reducer(s, { type: 'event', event: created(msg(13, { roomId: 'r-dev', authorId: ME, mentions: [ME] })) });
    expect(s.bell).toBe(0);
    expect(mentionNotice(s)).toBeNull();
  });

  const actions: ChatActions = { submit: () => {}, retry: () => {}, probeLag: () => {}, runConfirmed: () => {}, reconnect: () => {}, touch: () => {}, members: () => {}, stop: () => {}, jumpToHit: () => {}, moreHits: () => {} };

  async function written(frames: string[], pred: (w: string) => boolean): Promise<string> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const hit = frames.find(pred);
      if (hit !== undefined) return hit;
      if (Date.now() > deadline) throw new Error(`nothing matching was written; writes: ${JSON.stringify(frames.slice(-5))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('the chat writes the OSC 9 on its own, as one zero-width write beside the frame', async () => {
    const store = createStore(boot());
    const { stdout, lastFrame } = render(<ChatApp store={store} actions={actions} onQuit={() => {}} notify="osc9" />);
    await written(stdout.frames, (f) => f.includes('#general'));
    store.dispatch({ type: 'event', event: mention });
    const w = await written(stdout.frames, (f) => f.includes('\x1b]9;'));
    expect(w).toBe('\x1b]9;alice in #dev: are you there @me?\x07');
    // The frame itself still renders normally afterwards.
    store.dispatch({ type: 'event', event: created(msg(12, { text: 'afterwards' })) });
    await written(stdout.frames, (f) => f.includes('afterwards'));
    expect(lastFrame()).toContain('#dev');
    expect(stdout.frames.filter((f) => f.includes('\x1b]9;'))).toHaveLength(1);
  });

  it('rings the bell by default, and writes nothing when off', async () => {
    const bell = createStore(boot());
    const a = render(<ChatApp store={bell} actions={actions} onQuit={() => {}} />);
    bell.dispatch({ type: 'event', event: mention });
    await written(a.stdout.frames, (f) => f === '\x07');
    a.unmount();

    const off = createStore(boot());
    const b = render(<ChatApp store={off} actions={actions} onQuit={() => {}} notify="off" />);
    off.dispatch({ type: 'event', event: mention });
    off.dispatch({ type: 'event', event: created(msg(12, { text: 'marker' })) });
    await written(b.stdout.frames, (f) => f.includes('marker'));
    expect(b.stdout.frames.some((f) => f.includes('\x07'))).toBe(false);
  });
});
