import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { resolveInput } from '../src/keys/keymap.js';
import { currentField, fieldsOf, initialLoginForm, loginReducer, type LoginFormState } from '../src/state/login/form.js';

const NO_KEY = {} as Key;
const chunk = (s: LoginFormState, raw: string) => loginReducer(s, { type: 'keys', intents: resolveInput(raw, NO_KEY, 'form') });

describe('the login form with two-factor login', () => {
  it('asks for the code after the password when the server says so, keeping the password', () => {
    let s = chunk(initialLoginForm('http://x'), 'lada\nsecret\n');
    expect(fieldsOf(s)).not.toContain('totp');
    s = loginReducer(s, { type: 'failed', id: s.busy!.id, error: 'this account needs a two-factor code', code: 'CODE_REQUIRED' });
    expect(currentField(s)).toBe('totp');
    expect(s.values.password).toBe('secret');
    expect(s.errors.totp).toMatch(/two-factor/);
    // An empty code is refused without asking the server.
    s = chunk(s, '\n');
    expect(s.busy).toBeNull();
    s = chunk(s, '123456\n');
    expect(s.busy?.values).toEqual({ url: 'http://x', mode: 'login', username: 'ada', password: 'secret', totp: '123456' });
  });

  it('a wrong code clears the code field and asks again; the password stays', () => {
    let s = chunk(initialLoginForm('http://x'), 'lada\nsecret\n');
    s = loginReducer(s, { type: 'failed', id: s.busy!.id, error: 'code required', code: 'CODE_REQUIRED' });
    s = chunk(s, '000000\n');
    s = loginReducer(s, { type: 'failed', id: s.busy!.id, error: 'invalid two-factor code', code: 'UNAUTHORIZED' });
    expect(currentField(s)).toBe('totp');
    expect(s.values.totp).toBe('');
    expect(s.values.password).toBe('secret');
    expect(s.errors.totp).toBe('invalid two-factor code');
  });

  it('a code typed while the password was being checked lands in the code field', () => {
    let s = chunk(initialLoginForm('http://x'), 'lada\nsecret\n');
    const id = s.busy!.id;
    s = chunk(s, '654321');
    s = loginReducer(s, { type: 'failed', id, error: 'code required', code: 'CODE_REQUIRED' });
    expect(currentField(s)).toBe('totp');
    expect(s.values.totp).toBe('654321');
    expect(s.values.password).toBe('secret');
  });

  it('after a password reset the form goes on as a login with the new password and the code', () => {
    let s = chunk(initialLoginForm('http://x'), 'rada\nABC-123\nnew-password-1\nnew-password-1\n');
    expect(s.busy?.values.mode).toBe('reset');
    s = loginReducer(s, { type: 'failed', id: s.busy!.id, error: 'code required', code: 'CODE_REQUIRED' });
    expect(s.mode).toBe('login');
    s = chunk(s, '111111\n');
    expect(s.busy?.values).toEqual({ url: 'http://x', mode: 'login', username: 'ada', password: 'new-password-1', totp: '111111' });
  });

  it('a sign-up that turns out to be a kicked member rejoining asks for the code and stays a sign-up', () => {
    let s = chunk(initialLoginForm('http://x'), 'sada\ncorrect-horse-1\nINV-1\nAda\n');
    s = loginReducer(s, { type: 'failed', id: s.busy!.id, error: 'code required', code: 'CODE_REQUIRED' });
    expect(s.mode).toBe('signup');
    expect(currentField(s)).toBe('totp');
    s = chunk(s, '123123\n');
    expect(s.busy?.values).toEqual({ url: 'http://x', mode: 'signup', username: 'ada', password: 'correct-horse-1', invite: 'INV-1', nickname: 'Ada', totp: '123123' });
  });
});
