import { describe, expect, it } from 'vitest';
import { decodeClientFrame, nameProblem, REQUESTS, textProblem } from '../src/index.js';

describe('decode-point text rules', () => {
  it('replaces lone surrogates (from JSON escapes or a JS string) with U+FFFD, keeps pairs', () => {
    const raw = '{"id":"1","type":"message.send","roomId":"r","text":"A\\ud800B\\ud83d\\ude00","nonce":"n"}';
    const r = decodeClientFrame(raw);
    expect(r.ok && r.value.kind === 'request' && (r.value.params as { text: string }).text).toBe('A\uFFFDB\u{1F600}');
    const s = decodeClientFrame(JSON.stringify({ id: '1', type: 'message.send', roomId: 'r', text: 'x\udc00', nonce: 'n' }));
    expect(s.ok && s.value.kind === 'request' && (s.value.params as { text: string }).text).toBe('x\uFFFD');
  });

  it('refuses unknown request fields, naming them without echoing values', () => {
    const r = decodeClientFrame(JSON.stringify({ id: '7', type: 'room.create', name: 'a', restrictedToo: ['secret-value'] }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.id).toBe('7');
      expect(r.error.message).toBe('room.create: unknown field "restrictedToo"');
    }
    expect(REQUESTS['room.create'].params.safeParse({ name: 'a', restrictedTo: ['r1'] }).success).toBe(true);
  });

  it('text and name rules', () => {
    expect(textProblem('line\nnext\ttab')).toBeNull();
    expect(textProblem('a\u001bb')).toMatch(/control/);
    expect(textProblem('a\u202eb')).toMatch(/bidi/);
    expect(textProblem('a\u2067b\u2069')).toBeNull();
    expect(nameProblem('Owner\u3164')).not.toBeNull();
    expect(nameProblem('Owner\u115f')).not.toBeNull();
    expect(nameProblem('a\u200bb')).not.toBeNull();
    expect(nameProblem('Zoë')).toBeNull();
  });
});
