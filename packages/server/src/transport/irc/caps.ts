/**
 * The IRCv3 capabilities the gateway offers (CAP LS 302 shows values). `sasl` lists PLAIN only: passwords
 * are checked by the accounts service, the same check and rate limit as the HTTP login.
 */
export const CAPS: Readonly<Record<string, string>> = {
  'account-tag': '',
  'away-notify': '',
  batch: '',
  'cap-notify': '',
  'draft/chathistory': '',
  'draft/read-marker': '',
  'echo-message': '',
  'labeled-response': '',
  'message-tags': '',
  sasl: 'PLAIN',
  'server-time': '',
};

/** Which tags each capability allows on lines sent to the client; a tag whose capability is off is dropped. */
export function tagAllowed(tag: string, caps: ReadonlySet<string>): boolean {
  if (tag === 'time') return caps.has('server-time');
  if (tag === 'account') return caps.has('account-tag');
  if (tag === 'batch') return caps.has('batch');
  if (tag === 'label') return caps.has('labeled-response');
  // msgid and client-only tags (+draft/reply, +draft/react, …) travel with message-tags.
  return caps.has('message-tags');
}

/** `CAP LS` lines: 302 clients get values and, when long, several lines marked with `*`. */
export function capLsLines(version: number, maxLen = 400): string[] {
  const words = Object.entries(CAPS).map(([k, v]) => (version >= 302 && v ? `${k}=${v}` : k));
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > maxLen) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  lines.push(cur);
  return lines;
}
