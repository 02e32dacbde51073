import type { Store } from '../store/store.js';
import { AccessIndex } from './access.js';
import { AccessAdminService } from './access-admin.js';
import { AuthService, type AuthOptions } from './auth.js';
import { CategoriesService } from './categories.js';
import { CommitQueue } from './commit-queue.js';
import type { Log, ServiceDeps } from './deps.js';
import { MessageChangesService } from './message-changes.js';
import { MessagesService } from './messages.js';
import { ModerationService } from './moderation.js';
import { ProfileService } from './profile.js';
import { RoomAdminService } from './room-admin.js';
import { RolesService } from './roles.js';
import { RoomsService } from './rooms.js';
import { StateService } from './state.js';
import { SyncService } from './sync.js';

export interface Services {
  deps: ServiceDeps;
  auth: AuthService;
  rooms: RoomsService;
  messages: MessagesService;
  profile: ProfileService;
  sync: SyncService;
  state: StateService;
  accessAdmin: AccessAdminService;
  roles: RolesService;
  categories: CategoriesService;
  roomAdmin: RoomAdminService;
  moderation: ModerationService;
  messageChanges: MessageChangesService;
}

export interface ServicesOptions {
  store: Store;
  now: () => number;
  newId: () => string;
  log: Log;
  auth: AuthOptions;
  snapshotThreshold: number;
}

/** Wire the services together around one store, one access index and one commit queue. */
export function createServices(o: ServicesOptions): Services {
  const access = new AccessIndex(o.store);
  const queue = new CommitQueue(o.store, access, o.now, o.newId, o.log);
  const deps: ServiceDeps = { store: o.store, access, queue, now: o.now, newId: o.newId, log: o.log };
  const rooms = new RoomsService(deps);
  const accessAdmin = new AccessAdminService(deps);
  return {
    deps,
    auth: new AuthService(deps, o.auth),
    rooms,
    messages: new MessagesService(deps),
    profile: new ProfileService(deps),
    sync: new SyncService(deps, o.snapshotThreshold),
    state: new StateService(deps, rooms),
    accessAdmin,
    roles: new RolesService(deps, accessAdmin),
    categories: new CategoriesService(deps),
    roomAdmin: new RoomAdminService(deps, accessAdmin),
    moderation: new ModerationService(deps),
    messageChanges: new MessageChangesService(deps),
  };
}

export { AccessIndex } from './access.js';
export { CommitQueue, type WriteContext, type Publisher, type EventSpec } from './commit-queue.js';
export type { ServiceDeps, Log } from './deps.js';
