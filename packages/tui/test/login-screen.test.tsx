import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { LoginForm, type LoginValues } from '../src/ui/LoginForm.js';
import { until } from './support/until.js';

afterEach(() => cleanup());


describe('login form screen (issue 8, items 6 and 12)', () => {
  it('takes a whole typed-ahead sign-up written in one go, and reports the URL check by the URL', async () => {
    const submitted: LoginValues[] = [];
    const { stdin, lastFrame } = render(
      <LoginForm
        onSubmit={async (v) => void submitted.push(v)}
        onCancel={() => {}}
        checkUrl={async () => Promise.reject(new Error('cannot reach 127.0.0.1:4000: ECONNREFUSED'))}
      />,
    );
    await until(lastFrame, (f) => f.includes('Server URL: http://'));
    stdin.write('127.0.0.1:4000\rsalice\rcorrect-horse-1\rINV-1\rAlice\r');
    await until(() => String(submitted.length), (n) => n === '1');
    expect(submitted[0]).toEqual({ url: 'http://127.0.0.1:4000', mode: 'signup', username: 'alice', password: 'correct-horse-1', invite: 'INV-1', nickname: 'Alice' });
    const f = await until(lastFrame, (fr) => fr.includes('ECONNREFUSED'));
    expect(f).not.toContain('correct-horse-1');
    expect(f.indexOf('ECONNREFUSED')).toBeLessThan(f.indexOf('Log in or sign up'));
  });

  it('says right after the invite field whether the invite is valid, before the sign-up is sent', async () => {
    const submitted: LoginValues[] = [];
    const asked: string[] = [];
    const { stdin, lastFrame } = render(
      <LoginForm
        initialUrl="http://x"
        onSubmit={async (v) => void submitted.push(v)}
        onCancel={() => {}}
        checkInviteCode={async (_url, invite) => {
          asked.push(invite);
          if (invite !== 'GOOD-1') throw new Error('invalid or expired invite code');
        }}
      />,
    );
    await until(lastFrame, (f) => f.includes('[log in]'));
    stdin.write('salice\rcorrect-horse-1\rBAD-1\r');
    const f = await until(lastFrame, (fr) => fr.includes('✗ invalid or expired invite code'));
    // Shown under the invite, while the nickname is being typed: the sign-up itself has not been sent.
    expect(f.indexOf('✗ invalid')).toBeLessThan(f.indexOf('Nickname'));
    expect(submitted).toEqual([]);
    stdin.write('\x1b'); // back to the invite
    await until(lastFrame, (fr) => !fr.includes('Nickname'));
    stdin.write('GOOD-1\r');
    await until(lastFrame, (fr) => fr.includes('✓ the invite is valid'));
    expect(asked).toEqual(['BAD-1', 'GOOD-1']);
  });

  it('offers reset password with a code and shows a too-short new password at its field', async () => {
    const submitted: LoginValues[] = [];
    const { stdin, lastFrame } = render(<LoginForm initialUrl="http://x" onSubmit={async (v) => void submitted.push(v)} onCancel={() => {}} />);
    const first = await until(lastFrame, (f) => f.includes('[log in]'));
    expect(first).toContain('reset password');
    stdin.write('rbob\rCODE-1\rshort\r');
    const f = await until(lastFrame, (fr) => fr.includes('at least 8 characters'));
    expect(f).toContain('New password: (hidden)');
    stdin.write('\x15'); // Ctrl+U clears the refused password
    stdin.write('new-password-1\rnew-password-1\r');
    await until(() => String(submitted.length), (n) => n === '1');
    expect(submitted[0]).toEqual({ url: 'http://x', mode: 'reset', username: 'bob', code: 'CODE-1', password: 'new-password-1' });
  });
});
