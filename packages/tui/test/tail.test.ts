import { describe, expect, it } from 'vitest';
import { tailLine } from '../src/run/tail.js';
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
