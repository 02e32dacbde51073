import { z } from 'zod';
import * as accounts from './features/accounts.js';
import * as blocks from './features/blocks.js';
import * as categories from './features/categories.js';
import * as forum from './features/forum.js';
import * as inbox from './features/inbox.js';
import * as membership from './features/membership.js';
import * as messages from './features/messages.js';
import * as moderation from './features/moderation.js';
import * as presence from './features/presence.js';
import * as profile from './features/profile.js';
import * as readMarkers from './features/read-markers.js';
import * as reactions from './features/reactions.js';
import * as roles from './features/roles.js';
import * as roomSettings from './features/room-settings.js';
import * as rooms from './features/rooms.js';
import * as threads from './features/threads.js';
import * as voice from './features/voice.js';

/**
 * Every event type the server writes, as one union discriminated by `type`. Each feature defines its own
 * events in features/<name>.ts (with `ev` and the envelope of features/envelope.ts); this only composes them.
 */
export const KnownEvent = z.discriminatedUnion('type', [
  ...accounts.events,
  ...profile.events,
  ...moderation.events,
  ...rooms.events,
  ...membership.events,
  ...messages.events,
  ...readMarkers.events,
  ...categories.events,
  ...roles.events,
  ...presence.events,
  ...reactions.events,
  ...roomSettings.events,
  ...threads.events,
  ...blocks.events,
  ...forum.events,
  ...inbox.events,
  ...voice.events,
]);
export type KnownEvent = z.infer<typeof KnownEvent>;
export type EventType = KnownEvent['type'];
export type EventOf<T extends EventType> = Extract<KnownEvent, { type: T }>;

export type OdEvent = KnownEvent;
