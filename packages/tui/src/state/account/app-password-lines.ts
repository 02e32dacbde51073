import type { AppPasswordInfo } from '@open-discord/protocol';

/** A time as `2026-11-28 01:02` (UTC, like the session list). */
const when = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** One app password on a line: its name, when it was made and last used (from where), and the id /apppassword revoke takes. */
export function appPasswordLine(p: AppPasswordInfo): string {
  const used = p.lastUsed === null ? 'never used' : `last used ${when(p.lastUsed)} from ${p.lastAddress || 'an unknown address'}`;
  return `${p.name} · made ${when(p.createdAt)} · ${used} · id ${p.id}`;
}

/** `/apppassword list` as overlay lines. */
export function appPasswordListLines(list: readonly AppPasswordInfo[]): string[] {
  if (list.length === 0) return ['you have no app passwords; /apppassword create NAME makes one for an IRC client'];
  return ['your app passwords (IRC clients); /apppassword revoke NAME-or-ID ends one', ...list.map(appPasswordLine)];
}

/** What `/apppassword create` shows, once: the secret and how to use it. */
export function appPasswordCreatedLines(name: string, secret: string, username: string | null): string[] {
  return [
    `app password for ${name}: ${secret}`,
    'it is shown only now: copy it into the client, then close this (Esc)',
    `log in with your username${username ? ` (${username})` : ''} and this as the password (SASL PLAIN, or PASS ${username ?? 'username'}:password)`,
    'it works with two-factor login on; /apppassword revoke or /sessions ends it',
  ];
}
