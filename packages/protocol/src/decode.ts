import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import { KnownEvent } from './events.js';
import {
  AuthFrame,
  IdleFrame,
  PresenceAllNotice,
  PresenceNotice,
  ReadyFrame,
  ReplyFailure,
  ReplySuccess,
  RequestEnvelope,
  TypingFrame,
  TypingNotice,
  VoiceSpeakingNotice,
} from './frames.js';
import { fastKnownEvent } from './fast-events.js';
import { envelope } from './features/envelope.js';
import { LARGE_FRAME_BYTES, parseLargeFrame } from './large-frame.js';
import { Order } from './model.js';
import { REQUESTS, SyncResult, type ParsedParams, type RequestType } from './requests.js';
import { wellFormed } from './text.js';

/*
 * The one place where text from the wire becomes typed frames, in both directions.
 * Neither decoder ever throws: bad input becomes a value the caller turns into an error reply or a close.
 */

export type ClientFrame =
  | { kind: 'auth'; frame: AuthFrame; /** The frame's `id`, if it had a readable one (for a reply to a second `auth`). */ id?: string | null }
  | { kind: 'typing'; frame: TypingFrame }
  | { kind: 'idle'; frame: IdleFrame }
  | { kind: 'request'; id: string; type: RequestType; params: ParsedParams<RequestType> };

export type DecodeFailure = {
  ok: false;
  id: string | null;
  error: ErrorBody;
  /** Set when the frame was an `auth` frame: `token` when its token is missing or malformed, `frame` otherwise. */
  auth?: 'token' | 'frame';
};
export type Decoded<T> = { ok: true; value: T } | DecodeFailure;

const fail = (id: string | null, message: string): DecodeFailure => ({
  ok: false,
  id,
  error: { code: 'BAD_REQUEST', message },
});

/** Summarise a zod error in one line without echoing the input back. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => {
      // Name unknown fields (shortened), never echo their values.
      const message =
        i.code === 'unrecognized_keys'
          ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 32))).join(', ')}`
          : i.message;
      return i.path.length ? `${i.path.join('.')}: ${message}` : message;
    })
    .join('; ');
}

/**
 * A frame as a socket hands it over: text, or UTF-8 bytes (an ArrayBuffer, a typed array such as Node's Buffer,
 * or a list of fragments). Only standard types, so the decoders run on any JavaScript runtime.
 */
export type FrameData = string | ArrayBuffer | ArrayBufferView | readonly ArrayBufferView[];

// ignoreBOM keeps a leading BOM in the text (as Buffer#toString did), so such a frame stays invalid JSON.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function bytesOf(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The bytes of a frame that is not text; fragments are joined, so a character split between them survives. */
function frameBytes(raw: Exclude<FrameData, string>): Uint8Array {
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  if (!Array.isArray(raw)) return bytesOf(raw as ArrayBufferView);
  const parts = (raw as readonly ArrayBufferView[]).map(bytesOf);
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.byteLength;
  }
  return joined;
}

/** The text of a frame. */
export function frameText(raw: FrameData): string {
  return typeof raw === 'string' ? raw : utf8.decode(frameBytes(raw));
}

/** Deepest nesting any frame needs is 3 or 4; beyond this a frame is refused before it is parsed. */
export const MAX_FRAME_DEPTH = 32;
/** Smaller frames are cheap to parse whatever their shape: only larger ones are scanned first. */
const DEPTH_SCAN_MIN = 4096;
const TOO_DEEP = Symbol('too deep');

/** Does JSON text nest arrays/objects deeper than `max`? One pass, stops at the first excess. */
function nestedTooDeep(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

function parseJson(raw: FrameData): unknown {
  const text = frameText(raw);
  if (text.length > DEPTH_SCAN_MIN && nestedTooDeep(text, MAX_FRAME_DEPTH)) return TOO_DEEP;
  return parseText(text);
}

/** JSON.parse that never throws (undefined for bad JSON) and repairs lone surrogates. */
function parseText(text: string): unknown {
  try {
    // Lone surrogates (only JSON escapes such as "\ud800", or a JS string, can carry them) become U+FFFD
    // here, so the text acknowledged, fanned out, synced and stored is the same text on every path.
    if (LONE_SURROGATE_ESCAPE.test(text) || !(text as string & { isWellFormed(): boolean }).isWellFormed()) {
      return JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' ? wellFormed(v) : v)) as unknown;
    }
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const decodeUtf8 = (bytes: Uint8Array) => utf8.decode(bytes);

/**
 * A server frame's JSON. A large one (a replay page) is parsed a slice of its events at a time, never as
 * one long string (large-frame.ts says why); the value and the refusals are the same as parseJson's.
 */
function parseServerJson(raw: FrameData): unknown {
  if (typeof raw !== 'string') {
    const bytes = frameBytes(raw);
    if (bytes.length >= LARGE_FRAME_BYTES) {
      const large = parseLargeFrame(bytes, decodeUtf8, parseText, MAX_FRAME_DEPTH);
      if (large === 'too deep') return TOO_DEEP;
      if (large !== undefined) return large.value;
    }
    return parseJson(bytes);
  }
  return parseJson(raw);
}

/** A JSON escape of a surrogate code unit: the cheap test for frames that may need repair. */
const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

const isRequestType = (t: string): t is RequestType => Object.hasOwn(REQUESTS, t);

/** Decode a frame sent by a client. */
export function decodeClientFrame(raw: FrameData): Decoded<ClientFrame> {
  const data = parseJson(raw);
  if (data === TOO_DEEP) return fail(null, `frame is nested deeper than ${MAX_FRAME_DEPTH} levels`);
  if (data === undefined) return fail(null, 'frame is not valid JSON');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail(null, 'frame must be a JSON object');
  const obj = data as Record<string, unknown>;
  const id = typeof obj.id === 'string' && obj.id.length <= 64 ? obj.id : null;
  if (obj.type === 'auth') {
    const r = AuthFrame.safeParse(obj);
    if (r.success) return { ok: true, value: { kind: 'auth', frame: r.data, ...(id !== null && { id }) } };
    const tokenBad = r.error.issues.some((i) => i.path[0] === 'token');
    return { ...fail(id, `auth: ${describeIssues(r.error)}`), auth: tokenBad ? 'token' : 'frame' };
  }
  if (obj.type === 'typing' && obj.id === undefined) {
    const r = TypingFrame.safeParse(obj);
    return r.success ? { ok: true, value: { kind: 'typing', frame: r.data } } : fail(null, `typing: ${describeIssues(r.error)}`);
  }
  if (obj.type === 'idle' && obj.id === undefined) {
    const r = IdleFrame.safeParse(obj);
    return r.success ? { ok: true, value: { kind: 'idle', frame: r.data } } : fail(null, `idle: ${describeIssues(r.error)}`);
  }
  const env = RequestEnvelope.safeParse(obj);
  if (!env.success) return fail(id, `request: ${describeIssues(env.error)}`);
  const type = env.data.type;
  if (!isRequestType(type)) return fail(env.data.id, `unknown request type "${type.slice(0, 64)}"`);
  const { id: _id, type: _type, ...rest } = env.data;
  const params = REQUESTS[type].params.safeParse(rest);
  if (!params.success) return fail(env.data.id, `${type}: ${describeIssues(params.error)}`);
  return { ok: true, value: { kind: 'request', id: env.data.id, type, params: params.data } };
}

/* ---------- server → client ---------- */

/** An event of a type this client does not know (from a newer server): its order still counts. */
export type UnknownEvent = {
  type: 'unknown';
  originalType: string;
  order: number;
  id: string;
  roomId: string | null;
  actorId: string | null;
  createdAt: number;
  data: unknown;
};
export type ClientEvent = KnownEvent | UnknownEvent;

/** Any event's envelope, whatever its type: the fields every known event carries (`type` kept in its place). */
const Envelope = z.object({
  order: envelope.order,
  id: envelope.id,
  type: z.string(),
  roomId: envelope.roomId,
  actorId: envelope.actorId,
  createdAt: envelope.createdAt,
  data: z.unknown(),
});

/** Decode one event leniently: unknown types are kept as `unknown` so gap accounting stays exact. */
export function decodeEvent(value: unknown): ClientEvent | null {
  // The hot types (a catch-up is mostly messages) are checked by hand first; the rest, and anything the
  // hand-written checks are unsure of, go to the schemas (fast-events.ts says why and how they agree).
  const fast = fastKnownEvent(value);
  if (fast) return fast;
  const known = KnownEvent.safeParse(value);
  if (known.success) return known.data;
  const env = Envelope.safeParse(value);
  if (!env.success) return null;
  return { ...env.data, type: 'unknown', originalType: env.data.type };
}

const SyncPage = SyncResult.extend({ events: z.array(z.unknown()) });

/**
 * A `sync` result exactly as `SyncResult.safeParse` gives it (null where that fails: an event of a type
 * this client does not know included), its events checked by the hand-written checks first, as in replay.
 */
export function decodeSyncResult(value: unknown): SyncResult | null {
  const page = SyncPage.safeParse(value);
  if (!page.success) return null;
  const events: KnownEvent[] = [];
  for (const e of page.data.events) {
    const known = fastKnownEvent(e) ?? KnownEvent.safeParse(e).data;
    if (!known) return null;
    events.push(known);
  }
  return { ...page.data, events };
}

export type ServerFrame =
  | { type: 'ready'; frame: ReadyFrame }
  | { type: 'reply'; frame: ReplySuccess | ReplyFailure }
  | { type: 'event'; prev: number; event: ClientEvent }
  | { type: 'replay'; events: ClientEvent[]; through: number; more: boolean }
  | { type: 'typing'; frame: TypingNotice }
  | { type: 'presence'; frame: PresenceNotice }
  | { type: 'presence.all'; frame: PresenceAllNotice }
  | { type: 'voice.speaking'; frame: VoiceSpeakingNotice };

const EventFrame = z.object({ type: z.literal('event'), prev: Order, event: z.unknown() });
const ReplayFrame = z.object({
  type: z.literal('replay'),
  events: z.array(z.unknown()),
  through: Order,
  more: z.boolean(),
});

/** Decode a frame sent by the server. Unknown frame types decode to `null` (ignored, for forward compatibility). */
export function decodeServerFrame(raw: FrameData): Decoded<ServerFrame | null> {
  const data = parseServerJson(raw);
  if (typeof data !== 'object' || data === null) return fail(null, 'server frame is not a JSON object');
  const type = (data as { type?: unknown }).type;
  const bad = (e: z.ZodError) => fail(null, `${String(type)}: ${describeIssues(e)}`);
  switch (type) {
    case 'ready': {
      const r = ReadyFrame.safeParse(data);
      return r.success ? { ok: true, value: { type: 'ready', frame: r.data } } : bad(r.error);
    }
    case 'reply': {
      const r = z.union([ReplySuccess, ReplyFailure]).safeParse(data);
      return r.success ? { ok: true, value: { type: 'reply', frame: r.data } } : bad(r.error);
    }
    case 'event': {
      const r = EventFrame.safeParse(data);
      if (!r.success) return bad(r.error);
      const event = decodeEvent(r.data.event);
      return event ? { ok: true, value: { type: 'event', prev: r.data.prev, event } } : fail(null, 'event: malformed');
    }
    case 'replay': {
      const r = ReplayFrame.safeParse(data);
      if (!r.success) return bad(r.error);
      const events: ClientEvent[] = [];
      for (const e of r.data.events) {
        const d = decodeEvent(e);
        if (!d) return fail(null, 'replay: malformed event');
        events.push(d);
      }
      return { ok: true, value: { type: 'replay', events, through: r.data.through, more: r.data.more } };
    }
    case 'typing': {
      const r = TypingNotice.safeParse(data);
      return r.success ? { ok: true, value: { type: 'typing', frame: r.data } } : bad(r.error);
    }
    case 'presence': {
      const r = PresenceNotice.safeParse(data);
      return r.success ? { ok: true, value: { type: 'presence', frame: r.data } } : bad(r.error);
    }
    case 'presence.all': {
      const r = PresenceAllNotice.safeParse(data);
      return r.success ? { ok: true, value: { type: 'presence.all', frame: r.data } } : bad(r.error);
    }
    case 'voice.speaking': {
      const r = VoiceSpeakingNotice.safeParse(data);
      return r.success ? { ok: true, value: { type: 'voice.speaking', frame: r.data } } : bad(r.error);
    }
    default:
      return { ok: true, value: null };
  }
}
