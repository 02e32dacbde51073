#!/usr/bin/env node
/*
 * Entry point. Ink decides once, when it is first imported, whether it runs under CI (any CI variable set)
 * and then draws only the final frame. A person at an interactive terminal is never "CI", even when their
 * shell exports CI=true for other tools, so we say so before Ink is loaded.
 */
if (process.stdin.isTTY && process.stdout.isTTY) {
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = '0';
}
/*
 * Keys typed while od starts (before Ink takes the terminal) would be echoed by the terminal, a password
 * included, and held back until Enter. Raw mode now stops the echo and keeps every key for the login form,
 * which reads them in order. Only for the commands that draw a screen: a raw `od tail` would ignore Ctrl+C.
 */
const SCREENLESS = new Set(['send', 'tail', 'download', 'join', 'part', 'logout', 'help', '--help', '-h', '--version', '-V']);
const args = process.argv.slice(2).filter((a, i, all) => !/^--(server|images)/.test(a) && all[i - 1] !== '--server' && all[i - 1] !== '--images');
const screenless = SCREENLESS.has(args[0] ?? '') || args.includes('--username');
if (process.stdin.isTTY && process.stdout.isTTY && !screenless) {
  process.stdin.setRawMode(true);
  process.once('exit', () => process.stdin.isTTY && process.stdin.setRawMode(false));
}
await import('./main.js');
