import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeEvent, decodeServerFrame } from '@open-discord/protocol';
import { msgEvent, user } from './helpers/fixtures.js';

describe('decodeClientFrame', () => {
  it('decodes auth, typing and requests', () => {
    expect(decodeClientFrame(JSON.stringify({ type: 'auth', token: 't', resumeAfter: 5 }))).toEqual({
      ok: true,
      value: { kind: 'auth', frame: { type: 'auth', token: 't', resumeAfter: 5 } },
    });
    expect(decodeClientFrame(JSON.stringify({ type: 'typing', roomId: 'r1' }))).toMatchObject({ ok: true, value: { kind: 'typing' } });
    const r = decodeClientFrame(Buffer.from(JSON.stringify({ id: '1', type: 'message.send', roomId: 'r1', text: 'hi', nonce: 'n' })));
    expect(r).toEqual({ ok: true, value: { kind: 'request', id: '1', type: 'message.send', params: { roomId: 'r1', text: 'hi', nonce: 'n' } } });
  });

  it('rejects bad input with BAD_REQUEST and the id when it can be read', () => {
    expect(decodeClientFrame('{nope')).toMatchObject({ ok: false, id: null, error: { code: 'BAD_REQUEST' } });
    expect(decodeClientFrame('[1,2]')).toMatchObject({ ok: false, id: null });
    expect(decodeClientFrame(JSON.stringify({ id: '7', type: 'bogus' }))).toMatchObject({ ok: false, id: '7', error: { message: expect.stringContaining('unknown request type') } });
    expect(decodeClientFrame(JSON.stringify({ id: '8', type: 'message.send', roomId: 'r1' }))).toMatchObject({ ok: false, id: '8' });
    expect(decodeClientFrame(JSON.stringify({ type: 'auth' }))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^auth:/) } });
    // `__proto__`-style types must not be treated as known requests.
    expect(decodeClientFrame(JSON.stringify({ id: '9', type: 'constructor' }))).toMatchObject({ ok: false, id: '9' });
  });

  it('does not echo the input back in error messages', () => {
    const secret = 'x'.repeat(50) + 'SECRET';
    const r = decodeClientFrame(JSON.stringify({ id: '1', type: 'message.send', roomId: 'r1', text: 5, nonce: secret }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).not.toContain('SECRET');
  });
});

describe('decodeEvent', () => {
  it('keeps known events typed and unknown types as `unknown` with their order', () => {
    expect(decodeEvent(msgEvent(3))).toMatchObject({ type: 'message.created', order: 3 });
    const future = { order: 4, id: 'e4', type: 'poll.created', roomId: 'r1', actorId: null, createdAt: 1, data: { q: 1 } };
    expect(decodeEvent(future)).toEqual({ ...future, type: 'unknown', originalType: 'poll.created' });
    expect(decodeEvent({ type: 'message.created', order: -1 })).toBeNull();
  });

  it('ignores unknown fields (forward compatibility)', () => {
    const e = { ...event0(), extra: 'new field' };
    expect(decodeEvent(e)).toMatchObject({ type: 'user.joined', order: 1 });
  });
});

const event0 = () => ({ order: 1, id: 'e1', type: 'user.joined', roomId: null, actorId: null, createdAt: 1, data: { user: user('u9') } });

describe('decodeServerFrame', () => {
  it('decodes every frame type', () => {
    const me = { ...user('u1'), username: 'alice' };
    expect(decodeServerFrame(JSON.stringify({ type: 'ready', protocol: 1, serverVersion: '0.1.0', user: me, head: 4 }))).toMatchObject({
      ok: true,
      value: { type: 'ready', frame: { head: 4, snapshotRequired: false, replaying: false } },
    });
    expect(decodeServerFrame(JSON.stringify({ type: 'reply', replyTo: 'r1', ok: true, result: { a: 1 } }))).toMatchObject({ ok: true, value: { type: 'reply' } });
    expect(decodeServerFrame(JSON.stringify({ type: 'reply', replyTo: null, ok: false, error: { code: 'BAD_REQUEST', message: 'x' } }))).toMatchObject({ ok: true });
    expect(decodeServerFrame(JSON.stringify({ type: 'event', prev: 2, event: msgEvent(3) }))).toMatchObject({ ok: true, value: { type: 'event', prev: 2, event: { order: 3 } } });
    expect(decodeServerFrame(JSON.stringify({ type: 'replay', events: [msgEvent(3)], through: 9, more: false }))).toMatchObject({ ok: true, value: { type: 'replay', through: 9 } });
    expect(decodeServerFrame(JSON.stringify({ type: 'typing', roomId: 'r1', userId: 'u2' }))).toMatchObject({ ok: true, value: { type: 'typing' } });
    expect(decodeServerFrame(JSON.stringify({ type: 'presence', userId: 'u2', online: true }))).toMatchObject({ ok: true, value: { type: 'presence' } });
  });

  it('ignores unknown frame types and reports malformed ones', () => {
    expect(decodeServerFrame(JSON.stringify({ type: 'from-the-future' }))).toEqual({ ok: true, value: null });
    expect(decodeServerFrame('not json')).toMatchObject({ ok: false });
    expect(decodeServerFrame(JSON.stringify({ type: 'event', prev: 1, event: { nope: true } }))).toMatchObject({ ok: false });
    expect(decodeServerFrame(JSON.stringify({ type: 'replay', events: [{}], through: 1, more: false }))).toMatchObject({ ok: false });
    expect(decodeServerFrame(JSON.stringify({ type: 'reply', replyTo: 'x', ok: false, error: { code: 'NOPE', message: '' } }))).toMatchObject({ ok: false });
  });
});
