import type { Attachment, ErrorBody, HttpEndpoint, HttpResult, KnownEvent, PresenceAllNotice, PresenceNotice, PresenceStatus, ReadyFrame, SyncResult, VoiceSpeakingNotice } from '@open-discord/protocol';
import type { StoredEvent } from '../ports/storage.js';
import type { Json } from './types.js';

/*
 * THE encoder: every byte of JSON the server sends (WebSocket frames, replies, HTTP bodies) and every event
 * payload it stores is made here. The fast paths embed stored payload text verbatim instead of parsing and
 * re-serialising it; their inputs are typed (`Json<T>`), so what they splice together is still the
 * protocol's shape.
 */

/** Serialise a typed value. */
export function encode<T>(value: T): Json<T> {
  return JSON.stringify(value) as Json<T>;
}

/** Text the storage adapter read back from the event log: written by `encode`, so it is trusted as a T. */
export function storedJson<T>(text: string): Json<T> {
  return text as Json<T>;
}

/** The value of typed JSON (publish hooks read a payload this way; never a hand-written JSON.parse). */
export function decode<T>(json: Json<T>): T {
  return JSON.parse(json) as T;
}

/** A reply result that is already JSON (a sync page, a sent message): embedded verbatim in the reply frame. */
export class RawJson<T> {
  constructor(readonly json: Json<T>) {}
}

/**
 * An event's wire JSON, built around the stored payload text without re-parsing it, so replay and fan-out
 * serialise each event exactly once.
 */
export function eventJson(e: StoredEvent): Json<KnownEvent> {
  return (
    `{"order":${e.order},"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},` +
    `"roomId":${e.roomId === null ? 'null' : JSON.stringify(e.roomId)},` +
    `"actorId":${e.actorId === null ? 'null' : JSON.stringify(e.actorId)},` +
    `"createdAt":${e.createdAt},"data":${e.dataJson}}`
  ) as Json<KnownEvent>;
}

/** What a sync or replay page holds before it is serialised. */
export interface SyncPageParts {
  events: readonly StoredEvent[];
  through: number;
  more: boolean;
  snapshotRequired: boolean;
}

/** A sync page serialised once, embedding each event's stored JSON verbatim. */
export function syncPageJson(p: SyncPageParts): Json<SyncResult> {
  return (
    `{"events":[${p.events.map(eventJson).join(',')}],"through":${p.through},` +
    `"more":${p.more},"snapshotRequired":${p.snapshotRequired}}`
  ) as Json<SyncResult>;
}

/* ---------- frames ---------- */

/** A replay frame: a sync page's fields under `type: "replay"`. */
export function replayFrame(page: Json<SyncResult>): string {
  return `{"type":"replay",${page.slice(1)}`;
}

/** A live event frame; built once per distinct `prev` among an event's recipients and shared by them. */
export function liveEventFrame(prev: number, event: Json<KnownEvent>): Buffer {
  return Buffer.from(`{"type":"event","prev":${prev},"event":${event}}`);
}

export function typingFrame(roomId: string, userId: string): Buffer {
  return Buffer.from(JSON.stringify({ type: 'typing', roomId, userId }));
}

/** An ephemeral "started/stopped speaking" notice (features/voice). */
export function voiceSpeakingFrame(roomId: string, userId: string, speaking: boolean): Buffer {
  const frame: VoiceSpeakingNotice = { type: 'voice.speaking', roomId, userId, speaking };
  return Buffer.from(JSON.stringify(frame));
}

export function presenceFrame(userId: string, status: PresenceStatus): Buffer {
  const frame: PresenceNotice = { type: 'presence', userId, online: status !== 'offline', status };
  return Buffer.from(JSON.stringify(frame));
}

export function presenceAllFrame(users: PresenceAllNotice['users']): Buffer {
  const frame: PresenceAllNotice = { type: 'presence.all', users };
  return Buffer.from(JSON.stringify(frame));
}

export function readyFrame(frame: ReadyFrame): string {
  return JSON.stringify(frame);
}

/** A successful reply; a RawJson result is embedded as is. */
export function replyOkFrame(replyTo: string, result: unknown): string {
  if (result instanceof RawJson) return `{"type":"reply","replyTo":${JSON.stringify(replyTo)},"ok":true,"result":${result.json}}`;
  return JSON.stringify({ type: 'reply', replyTo, ok: true, result });
}

export function replyErrorFrame(replyTo: string | null, error: ErrorBody): string {
  return JSON.stringify({ type: 'reply', replyTo, ok: false, error });
}

/** An HTTP API response body: an endpoint's result as the protocol defines it, or an error. */
export function httpBody(body: HttpResult<HttpEndpoint> | Attachment | { error: ErrorBody }): string {
  return JSON.stringify(body);
}
