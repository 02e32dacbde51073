import { login } from '@open-discord/protocol';
import { putSession, serverNameFor } from '../config/sessions.js';
import { EXIT, ExitError } from './exit-codes.js';

/** The password: the first line of stdin (a pipe, a file, or a here-string), without its line break. */
async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/**
 * `od login URL --username NAME` for scripts: the password from stdin, never from an argument (those end up
 * in shell history and `ps`). Saves the session like the interactive login and prints one line. Exit codes:
 * 0 logged in, 1 the server could not be reached or failed, 2 no password on stdin, 4 wrong username or password.
 */
export async function runLoginHeadless(dir: string, server: string | undefined, url: string, username: string): Promise<string> {
  if (process.stdin.isTTY) throw new ExitError(EXIT.USAGE, 'od login --username reads the password from stdin: pipe it in (od login URL --username NAME < file)');
  const password = await readPassword();
  if (!password) throw new ExitError(EXIT.USAGE, 'no password on stdin');
  const pair = await login(url, { username, password });
  const name = server ?? serverNameFor(url);
  putSession(dir, name, { url, refreshToken: pair.refreshToken, username: pair.user.username });
  return `logged in to ${name} as ${pair.user.username}`;
}
