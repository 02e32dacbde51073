import { login, ProtocolError } from '@open-discord/protocol';
import { clientName } from './client-name.js';
import { putSession, serverNameFor } from '../config/sessions.js';
import { EXIT, ExitError } from './exit-codes.js';

/**
 * The password: the first line of stdin (a pipe, a file, or a here-string), without its line break; the
 * second line, when there is one, is the two-factor code.
 */
async function readSecrets(): Promise<{ password: string; code: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  return { password: lines[0] ?? '', code: (lines[1] ?? '').trim() };
}

/**
 * `od login URL --username NAME` for scripts: the password from stdin (and the two-factor code on the line
 * after it, when the account has two-factor login), never from an argument (those end up
 * in shell history and `ps`). Saves the session like the interactive login and prints one line. Exit codes:
 * 0 logged in, 1 the server could not be reached or failed, 2 no password on stdin, 4 wrong username or password.
 */
export async function runLoginHeadless(dir: string, server: string | undefined, url: string, username: string): Promise<string> {
  if (process.stdin.isTTY) throw new ExitError(EXIT.USAGE, 'od login --username reads the password from stdin: pipe it in (od login URL --username NAME < file)');
  const { password, code } = await readSecrets();
  if (!password) throw new ExitError(EXIT.USAGE, 'no password on stdin');
  const pair = await login(url, { username, password, client: clientName(), ...(code && { code }) }).catch((e: unknown) => {
    if (e instanceof ProtocolError && e.code === 'CODE_REQUIRED') {
      throw new ExitError(EXIT.USAGE, 'this account has two-factor login: put the code on the second line of stdin');
    }
    throw e;
  });
  const name = server ?? serverNameFor(url);
  putSession(dir, name, { url, refreshToken: pair.refreshToken, username: pair.user.username });
  return `logged in to ${name} as ${pair.user.username}`;
}
