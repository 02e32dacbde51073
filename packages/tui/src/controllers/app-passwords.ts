import type { AppPasswordInfo } from '@open-discord/protocol';
import { appPasswordCreatedLines, appPasswordListLines } from '../state/account/app-password-lines.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

/** `/apppassword create NAME | list | revoke NAME-or-ID`: passwords for IRC clients, which cannot ask for a two-factor code. */
export function attachAppPasswords(ctx: ControllerContext): (action: string, arg: string | undefined) => void {
  const { client, store } = ctx;
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string) => dispatch({ type: 'flash', kind, text, roomId: null });
  const show = (lines: string[]) => dispatch({ type: 'overlay/help', title: 'app passwords', lines });
  const fail = (what: string) => (e: unknown) => flash('error', `/apppassword ${what}: ${describeError(e)}`);

  /** A revoke names one by its name (as created) or its id (as listed). */
  const pick = (list: readonly AppPasswordInfo[], key: string) => list.find((p) => p.id === key) ?? list.find((p) => p.name.toLowerCase() === key.toLowerCase());

  return (action, arg) => {
    const rest = arg?.trim() ?? '';
    if (action === 'create') {
      if (!rest) return flash('error', '/apppassword create NAME: name it after the client, e.g. irssi');
      client.request('apppassword.create', { name: rest }).then(
        (r) => show(appPasswordCreatedLines(r.appPassword.name, r.secret, store.getState().world?.me.username ?? null)),
        fail('create'),
      );
      return;
    }
    if (action === 'list' || action === '') {
      client.request('apppassword.list', {}).then((r) => show(appPasswordListLines(r.appPasswords)), fail('list'));
      return;
    }
    if (action === 'revoke') {
      if (!rest) return flash('error', '/apppassword revoke NAME-or-ID (see /apppassword list)');
      client.request('apppassword.list', {}).then((r) => {
        const chosen = pick(r.appPasswords, rest);
        if (!chosen) return flash('error', `/apppassword revoke: you have no app password called ${rest}`);
        client.request('apppassword.revoke', { appPasswordId: chosen.id }).then(
          () => flash('info', `revoked the app password ${chosen.name}: clients using it are logged out`),
          fail('revoke'),
        );
      }, fail('revoke'));
      return;
    }
    flash('error', '/apppassword create NAME, list, or revoke NAME-or-ID');
  };
}
