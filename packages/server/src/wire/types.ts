import type { EventOf, EventType, RequestResult, RequestType } from '@open-discord/protocol';

/*
 * Types that tie what the server writes to the protocol's zod schemas, so drift fails `tsc` instead of a
 * client. Types only: nothing here runs, so the hot paths pay nothing for them.
 */

declare const jsonOf: unique symbol;

/**
 * JSON text known to encode a `T`. Made only by the encoder (`wire/encode.ts`) from a typed value, or by the
 * storage adapter when it reads back text the encoder wrote (the log holds nothing else).
 */
export type Json<T> = string & { readonly [jsonOf]: T };

/** The `data` of event type T, as the protocol defines it. */
export type EventData<T extends EventType> = EventOf<T>['data'];

/** The result of request type T, as the protocol defines it. */
export type ResultOf<T extends RequestType> = RequestResult<T>;
