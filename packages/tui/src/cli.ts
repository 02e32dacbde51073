#!/usr/bin/env node
/*
 * Entry point. Ink decides once, when it is first imported, whether it runs under CI (any CI variable set)
 * and then draws only the final frame. A person at an interactive terminal is never "CI", even when their
 * shell exports CI=true for other tools, so we say so before Ink is loaded.
 */
if (process.stdin.isTTY && process.stdout.isTTY) {
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = '0';
}
await import('./main.js');
