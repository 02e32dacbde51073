/** Structured logs: one JSON object per line on stderr. Never tokens, passwords or message text. */
export function stderrLog(line: object): void {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), ...line }) + '\n');
}
