import { accountSecurity } from './account-security/index.js';
import { audit } from './audit/index.js';
import { accounts } from './accounts/index.js';
import { blocks } from './blocks/index.js';
import { categories } from './categories/index.js';
import { conversations } from './conversations/index.js';
import type { Feature } from './feature.js';
import { files } from './files/index.js';
import { forum } from './forum/index.js';
import { inbox } from './inbox/index.js';
import { voice } from './voice/index.js';
import { invites } from './invites/index.js';
import { membership } from './membership/index.js';
import { messages } from './messages/index.js';
import { moderation } from './moderation/index.js';
import { presence } from './presence/index.js';
import { profile } from './profile/index.js';
import { reactions } from './reactions/index.js';
import { readMarkers } from './read-markers/index.js';
import { retention } from './retention/index.js';
import { roles } from './roles/index.js';
import { roomSettings } from './room-settings/index.js';
import { rooms } from './rooms/index.js';
import { search } from './search/index.js';
import { sync } from './sync/index.js';
import { threads } from './threads/index.js';
import { typing } from './typing/index.js';

/** Every feature module the server runs; app.ts wires them. */
export const FEATURES: readonly Feature[] = [
  accounts,
  profile,
  messages,
  readMarkers,
  rooms,
  membership,
  categories,
  roles,
  moderation,
  invites,
  sync,
  typing,
  presence,
  reactions,
  conversations,
  roomSettings,
  files,
  threads,
  search,
  blocks,
  retention,
  accountSecurity,
  audit,
  forum,
  inbox,
  voice,
];

/** Event types whose commit changes who may see what, as the features declare them. */
export function visibilityEvents(features: readonly Feature[] = FEATURES): ReadonlySet<string> {
  return new Set(features.flatMap((f) => f.visibilityEvents ?? []));
}

/** Room events that reach every viewer of a room, members or not, as the features declare them. */
export function viewerEvents(features: readonly Feature[] = FEATURES): ReadonlySet<string> {
  return new Set(features.flatMap((f) => f.viewerEvents ?? []));
}

export type { Feature } from './feature.js';
