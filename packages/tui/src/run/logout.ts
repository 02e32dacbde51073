import { logout, logoutAll } from '@open-discord/protocol';
import { removeSession } from '../config/sessions.js';
import { describeError } from '../controllers/describe-error.js';
import { openClient, requireSession } from './open-client.js';
import { EXIT, ExitError } from './exit-codes.js';

/**
 * `od logout [--all]`: revoke this session's refresh token (or, with --all, every session of the account),
 * then forget it locally. The local copy is removed even when the server cannot be reached, but the exit code
 * says the revocation did not happen.
 */
export async function runLogout(dir: string, server: string | undefined, all: boolean): Promise<string> {
  const { name, session } = requireSession(dir, server);
  let failure: string | null = null;
  try {
    if (all) {
      const { auth } = openClient(dir, name, session);
      await logoutAll(session.url, await auth.getAccessToken(true));
    } else {
      await logout(session.url, session.refreshToken);
    }
  } catch (error) {
    failure = describeError(error);
  }
  removeSession(dir, name);
  if (failure) throw new ExitError(EXIT.FAILED, `forgot the session for ${name}, but the server did not confirm: ${failure}`);
  return all ? `logged out of every session on ${name}` : `logged out of ${name}`;
}
