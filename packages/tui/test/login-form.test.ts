import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { resolveInput } from '../src/keys/keymap.js';
import { currentField, initialLoginForm, loginReducer, type LoginFormState } from '../src/state/login/form.js';

const NO_KEY = {} as Key;
/** One chunk of raw input, as the terminal delivers it (typed ahead, pasted, or over a slow link). */
const chunk = (s: LoginFormState, raw: string) => loginReducer(s, { type: 'keys', intents: resolveInput(raw, NO_KEY, 'form') });

describe('the login form reducer (issue 8, item 12)', () => {
  it('takes a whole typed-ahead sign-up in one chunk, each part in its field', () => {
    // What a cooked terminal hands over after typing ahead: the mode key runs into the username.
    const s = chunk(initialLoginForm(), '127.0.0.1:4000\nsalice\ncorrect-horse-1\nINV-1\nAlice\n');
    expect(s.busy?.values).toEqual({ url: 'http://127.0.0.1:4000', mode: 'signup', username: 'alice', password: 'correct-horse-1', invite: 'INV-1', nickname: 'Alice' });
    expect(s.urlCheck).toEqual({ url: 'http://127.0.0.1:4000', state: 'checking' });
  });

  it('takes the same sequence key by key, with raw-mode carriage returns', () => {
    let s = initialLoginForm('http://x');
    for (const k of 'lbob\rsecret\r') s = loginReducer(s, { type: 'keys', intents: resolveInput(k, k === '\r' ? ({ return: true } as Key) : NO_KEY, 'form') });
    expect(s.busy?.values).toEqual({ url: 'http://x', mode: 'login', username: 'bob', password: 'secret' });
  });

  it('keeps keys typed while the submission is in flight and replays them into the password after a refusal', () => {
    let s = chunk(initialLoginForm('http://x'), 'lbob\nwrong\n');
    const id = s.busy!.id;
    s = chunk(s, 'right-one');
    expect(s.typeahead).not.toEqual([]);
    s = loginReducer(s, { type: 'failed', id, error: 'wrong username or password', code: 'UNAUTHORIZED' });
    expect(currentField(s)).toBe('password');
    expect(s.values.password).toBe('right-one');
    expect(s.errors.password).toBe('wrong username or password');
  });

  it('reports a short password right at the field and sets aside what was typed after it', () => {
    const s = chunk(initialLoginForm('http://x'), 'salice\nshort\nINV-1\nAlice\n');
    expect(currentField(s)).toBe('password');
    expect(s.errors.password).toMatch(/at least 8 characters.*set aside/);
    expect(s.values.password).toBe('short');
    expect(s.values.invite).toBe('');
    expect(s.busy).toBeNull();
  });

  it('never lets a password typed ahead land in a visible field after a refused username', () => {
    const s = chunk(initialLoginForm('http://x'), 'sAl ice!\nhunter22-secret\n');
    expect(currentField(s)).toBe('username');
    expect(s.values.username).toBe('Al ice!');
    expect(JSON.stringify(s.values)).not.toContain('hunter22');
  });

  it('says right after the URL when no server answers, and keeps going', () => {
    let s = chunk(initialLoginForm(), 'localhost:1\nl');
    expect(currentField(s)).toBe('username');
    s = loginReducer(s, { type: 'url-checked', url: 'http://localhost:1', error: 'cannot reach localhost:1: ECONNREFUSED' });
    expect(s.urlCheck).toMatchObject({ state: 'failed', error: 'cannot reach localhost:1: ECONNREFUSED' });
    // A late answer about an older URL is ignored.
    expect(loginReducer(s, { type: 'url-checked', url: 'http://old', error: null })).toBe(s);
  });

  it('sends an invalid invite back to the invite field', () => {
    let s = chunk(initialLoginForm('http://x'), 'salice\ncorrect-horse-1\nBAD\nAlice\n');
    s = loginReducer(s, { type: 'failed', id: s.busy!.id, error: 'invalid or expired invite code', code: 'FORBIDDEN' });
    expect(currentField(s)).toBe('invite');
    expect(s.errors.invite).toBe('invalid or expired invite code');
    // Typing replaces the refused code instead of appending to it.
    s = chunk(s, 'GOOD');
    expect(s.values.invite).toBe('GOOD');
  });

  it('resets a password with a code: username, code, new password twice', () => {
    let s = chunk(initialLoginForm('http://x'), 'rbob\nABC-123\nnew-password-1\nnew-password-2\n');
    expect(currentField(s)).toBe('password');
    expect(s.errors.password).toMatch(/differ/);
    s = chunk(s, 'new-password-1\nnew-password-1\n');
    expect(s.busy?.values).toEqual({ url: 'http://x', mode: 'reset', username: 'bob', password: 'new-password-1', code: 'ABC-123' });
  });

  it('Esc goes back and the old text is replaced when typing, not appended to', () => {
    let s = chunk(initialLoginForm('http://x'), 'ldave\n');
    s = loginReducer(s, { type: 'keys', intents: [{ kind: 'close' }] });
    expect(currentField(s)).toBe('username');
    s = chunk(s, 'dave\n');
    expect(s.values.username).toBe('dave');
    expect(currentField(s)).toBe('password');
  });
});
