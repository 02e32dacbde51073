import { describe, expect, it } from 'vitest';
import type { Message } from '@open-discord/protocol';
import type { WriteContext } from '../src/core/commit-queue.js';
import { Dispatcher } from '../src/session/dispatcher.js';
import { encode, httpBody, RawJson } from '../src/wire/encode.js';

/*
 * The protocol is enforced at the server's edges by the type checker: `npm run typecheck` covers this file,
 * and each `@ts-expect-error` below fails the check if the line after it ever stops being an error. The
 * functions are never called; they only have to compile (or, marked, not compile).
 */

const message: Message = { id: 'm1', roomId: 'r1', authorId: 'u1', text: 'hi', createdAt: 1, order: 1 };

export function emitted(w: WriteContext): void {
  w.emit({ type: 'message.created', roomId: 'r1', actorId: 'u1' }, { message });
  w.emit({ type: 'message.created', roomId: 'r1', actorId: 'u1' }, (order) => ({ message: { ...message, order } }));
  // @ts-expect-error a misspelled event type is not in the protocol
  w.emit({ type: 'message.creatd', roomId: 'r1', actorId: 'u1' }, { message });
  // @ts-expect-error data of the wrong shape for its event type
  w.emit({ type: 'message.created', roomId: 'r1', actorId: 'u1' }, { nonsense: 42 });
  // @ts-expect-error another event's data
  w.emit({ type: 'room.deleted', roomId: 'r1', actorId: 'u1' }, { message });
}

export function replies(d: Dispatcher): void {
  d.register('message.edit', () => ({ message }), { write: true });
  d.register('message.delete', async () => ({ ok: true as const }), { write: true });
  d.register('message.send', () => new RawJson(encode({ message })), { write: true });
  // @ts-expect-error a reply the protocol does not define for this request
  d.register('message.edit', () => ({ nonsense: 42 }), { write: true });
  // @ts-expect-error an async reply of the wrong shape
  d.register('message.delete', async () => ({ ok: 'yes' }), { write: true });
  // @ts-expect-error pre-serialised JSON of the wrong type
  d.register('message.send', () => new RawJson(encode({ nonsense: 42 })), { write: true });
  // @ts-expect-error a request type the protocol does not have
  d.register('message.sned', () => ({ message }), { write: true });
}

export function httpAnswers(): void {
  httpBody({ ok: true, head: 3 });
  httpBody({ error: { code: 'NOT_FOUND', message: 'no such endpoint' } });
  // @ts-expect-error an HTTP body no endpoint answers
  httpBody({ nonsense: 42 });
}

describe('wire types', () => {
  it('are checked by tsc (this file compiles only while every marked line is an error)', () => {
    expect(typeof emitted).toBe('function');
    expect(typeof replies).toBe('function');
  });
});
