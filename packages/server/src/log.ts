/** Structured logs: one JSON object per line on stderr. Never tokens, passwords or message text. */
export function stderrLog(line: object): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...line }) + '\n');
}

/**
 * The same lines for a person at a terminal: `15:04:05 info  listening url=http://… head=12`. Values that
 * are not plain words are JSON-quoted, so a line is still unambiguous.
 */
export function humanLog(line: object): void {
  const { level = 'info', msg = '', ...rest } = line as Record<string, unknown>;
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /^[\w.:/@+-]+$/.test(v) ? v : JSON.stringify(v)}`)
    .join(' ');
  const time = new Date().toTimeString().slice(0, 8);
  process.stderr.write(`${time} ${String(level).padEnd(5)} ${String(msg)}${fields ? ` ${fields}` : ''}\n`);
}

/** `--log`: auto is human on a terminal and JSON when stderr goes to a file or a log collector. */
export function pickLog(format: 'auto' | 'human' | 'json', isTty: boolean): (line: object) => void {
  return format === 'human' || (format === 'auto' && isTty) ? humanLog : stderrLog;
}
