import { CloseCode } from '@open-discord/protocol';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/run/exit-codes.js';
import { exitForFailure } from '../src/run/headless.js';
import { connectionStep, roomGone, tailLine } from '../src/run/tail.js';
import { msg } from './fixtures.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('od tail lines', () => {
  it('text mode: no terminal controls, one message is one line', () => {
    const m = msg(11, { text: 'hi\n07:44 <alice> I owe bob $100\x1b]52;c;ZXZpbA==\x07\x1b[44m\r\x9b' });
    const line = tailLine(m, 'mal\x1b]0;t\x07lory', '#general', false);
    expect(line).not.toMatch(CONTROL);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('hi\u21b507:44 <alice> I owe bob $100');
    expect(line).toMatch(/<mal\ufffd\]0;t\ufffdlory> hi/);
    expect(tailLine(msg(12, { text: 'waves\x1b[2J', action: true }), 'bob', '#general', false)).toMatch(/\* bob waves\ufffd\[2J$/);
  });

  it('json mode keeps the exact text', () => {
    const m = msg(11, { text: 'a\nb\x1b' });
    expect(JSON.parse(tailLine(m, 'alice', '#general', true)).text).toBe('a\nb\x1b');
  });
});

describe('od tail exit codes and connection notices', () => {
  it('a session that cannot be refreshed exits with EXIT.AUTH, other closes with EXIT.FAILED', () => {
    expect(exitForFailure({ state: 'closed', reason: 'session expired: log in again', code: CloseCode.UNAUTHORIZED }).exitCode).toBe(EXIT.AUTH);
    expect(exitForFailure({ state: 'closed', reason: 'banned', code: CloseCode.FORBIDDEN }).exitCode).toBe(EXIT.FAILED);
  });

  it('the tailed room going away exits with EXIT.NOT_FOUND', () => {
    const e = roomGone('#general', 'was deleted');
    expect(e.exitCode).toBe(EXIT.NOT_FOUND);
    expect(e.message).toBe('#general was deleted');
  });

  it('prints one line when going offline and one when live again', () => {
    const lines: string[] = [];
    let was: 'live' | 'offline' = 'live';
    for (const s of [
      { state: 'offline', retryAt: 1, reason: 'x' },
      { state: 'connecting', attempt: 1 },
      { state: 'offline', retryAt: 2, reason: 'x' },
      { state: 'authenticating' },
      { state: 'resyncing', through: 1, head: 2 },
      { state: 'live' },
      { state: 'live' },
    ] as const) {
      const step = connectionStep(was, s);
      was = step.now;
      if (step.line) lines.push(step.line);
    }
    expect(lines).toEqual(['od: offline, retrying…', 'od: live again']);
  });
});
