import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

export interface Bans {
  /** `/bans`: the banned accounts. */
  list(): void;
  /** `/unban @nick`: a banned account is no longer in the member list, so the nickname is looked up in the bans. */
  unban(nick: string): void;
}

export function attachBans(ctx: ControllerContext): Bans {
  const { client, store } = ctx;
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string) => dispatch({ type: 'flash', kind, text, roomId: null });
  const key = (nick: string) => nick.replace(/^@/, '').normalize('NFKC').toLowerCase();

  return {
    list: () => {
      client.request('member.bans', {}).then(
        (r) => {
          const lines = r.bans.length === 0 ? ['nobody is banned'] : ['banned accounts; /unban @nick lets one rejoin with an invite', ...r.bans.map((b) => `@${b.nickname}`)];
          dispatch({ type: 'overlay/help', title: 'bans', lines });
        },
        (e: unknown) => flash('error', `/bans: ${describeError(e)}`),
      );
    },
    unban: (nick) => {
      const wanted = key(nick.trim());
      if (!wanted) return flash('error', '/unban @nick (see /bans)');
      client.request('member.bans', {}).then(
        (r) => {
          const ban = r.bans.find((b) => key(b.nickname) === wanted);
          if (!ban) return flash('error', `/unban: nobody called ${nick.trim()} is banned (see /bans)`);
          client.request('member.unban', { userId: ban.userId }).then(
            () => flash('info', `unbanned @${ban.nickname}: they may rejoin with an invite`),
            (e: unknown) => flash('error', `/unban: ${describeError(e)}`),
          );
        },
        (e: unknown) => flash('error', `/unban: ${describeError(e)}`),
      );
    },
  };
}
