import type { z } from 'zod';
import * as blocks from './features/blocks.js';
import * as categories from './features/categories.js';
import * as conversations from './features/conversations.js';
import * as forum from './features/forum.js';
import * as inbox from './features/inbox.js';
import * as invites from './features/invites.js';
import * as membership from './features/membership.js';
import * as messages from './features/messages.js';
import * as moderation from './features/moderation.js';
import * as presence from './features/presence.js';
import * as profile from './features/profile.js';
import * as readMarkers from './features/read-markers.js';
import * as accountSecurity from './features/account-security.js';
import * as audit from './features/audit.js';
import * as reactions from './features/reactions.js';
import * as retention from './features/retention.js';
import * as roles from './features/roles.js';
import * as roomSettings from './features/room-settings.js';
import * as rooms from './features/rooms.js';
import * as search from './features/search.js';
import * as sync from './features/sync.js';
import * as threads from './features/threads.js';
import * as voice from './features/voice.js';

export { StateResult, SyncResult } from './features/sync.js';
export { FollowedThread, ThreadLevel } from './features/threads.js';
export { FORUM_LIMITS, normalizeTag, parseHashtags, Post, PostSort, Profile } from './features/forum.js';
export { INBOX_KINDS, INBOX_LIMITS, InboxItem, InboxKind, InboxSettings } from './features/inbox.js';
export { VoiceLeftReason, VoiceParticipant, VoiceSlot, VoiceSpeakingNotice } from './features/voice.js';
export { AROUND_MAX, SEARCH_LIMIT_MAX, SEARCH_QUERY_MAX, SearchHit } from './features/search.js';

/**
 * Every request a client can make: its params (the frame minus `id` and `type`) and its result.
 * The server validates params with these schemas; clients get their types from them. Each feature defines
 * its own requests in features/<name>.ts (with `req` of features/request.ts); this only composes them.
 */
export const REQUESTS = {
  ...sync.requests,
  ...messages.requests,
  ...readMarkers.requests,
  ...accountSecurity.requests,
  ...audit.requests,
  ...rooms.requests,
  ...membership.requests,
  ...categories.requests,
  ...profile.requests,
  ...roles.requests,
  ...moderation.requests,
  ...invites.requests,
  ...presence.requests,
  ...reactions.requests,
  ...conversations.requests,
  ...roomSettings.requests,
  ...threads.requests,
  ...search.requests,
  ...blocks.requests,
  ...retention.requests,
  ...forum.requests,
  ...inbox.requests,
  ...voice.requests,
} as const;

export type RequestType = keyof typeof REQUESTS;
export const REQUEST_TYPES = Object.keys(REQUESTS) as RequestType[];
export type RequestParams<T extends RequestType> = z.input<(typeof REQUESTS)[T]['params']>;
export type ParsedParams<T extends RequestType> = z.output<(typeof REQUESTS)[T]['params']>;
export type RequestResult<T extends RequestType> = z.output<(typeof REQUESTS)[T]['result']>;
