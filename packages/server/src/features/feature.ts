import type { EventType } from '@open-discord/protocol';
import type { Services } from '../app.js';
import type { StoredEvent } from '../ports/storage.js';
import type { Dispatcher } from '../session/dispatcher.js';
import type { Hub } from '../session/hub.js';

/**
 * What a feature module declares to the composition root (app.ts). Its service is built in
 * `createServices`; everything else about it is read from here.
 */
export interface Feature {
  readonly name: string;
  /** Every event type the feature writes (a test checks each protocol event type has a writer). */
  readonly events: readonly EventType[];
  /**
   * Of those, the ones whose commit changes who may see what: the access index is rebuilt when one is
   * written (at once, for the rest of its batch) and when one is committed.
   */
  readonly visibilityEvents?: readonly EventType[];
  /**
   * Of its room events, those every viewer of the room receives, joined or not (the room's own metadata:
   * created, renamed, who joined). Every other room event reaches the room's members only.
   */
  readonly viewerEvents?: readonly EventType[];
  /** Register the feature's request handlers. */
  register?(d: Dispatcher, s: Services): void;
  /** After committed events were published to clients (whichever process wrote them). */
  onPublished?(events: readonly StoredEvent[], hub: Hub): void;
}
