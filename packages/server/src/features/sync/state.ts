import { DEFAULT_NOTIFY, isCommunityRoom, type PresenceStatus, type VoiceParticipant, type PublicUser, type StateResult, type Unread } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import { meOf, publicUser } from '../accounts/users.js';
import type { RoomsService } from '../rooms/service.js';
import type { ThreadsService } from '../threads/service.js';

/** The world as one user sees it: the snapshot a client loads instead of (or before) replaying. */
export class StateService {
  /** Set by the session layer, which knows who is connected. */
  presenceOf: (userId: string) => PresenceStatus = () => 'offline';
  /** Who is in the voice rooms among these (the voice feature's; set by createServices). */
  voiceIn: (rooms: ReadonlySet<string>) => Promise<VoiceParticipant[]> = async () => [];

  constructor(
    private readonly d: ServiceDeps,
    private readonly rooms: RoomsService,
    private readonly threads: ThreadsService,
  ) {}

  private withPresence<U extends PublicUser>(u: U): U {
    const presence = this.presenceOf(u.id);
    return { ...u, online: presence !== 'offline', presence };
  }

  /**
   * `head` is read first, synchronously with the rest of the turn that starts the request: the reads below
   * answer within it on SQLite, so no commit lands between them and the snapshot matches its head. (An
   * engine over the network would read them in one snapshot transaction.)
   */
  async state(userId: string): Promise<StateResult> {
    const { store } = this.d;
    const head = this.d.queue.head;
    const meRow = await store.users.byId(userId);
    if (!meRow) throw new Error('state for unknown user');
    const users: PublicUser[] = [];
    for (const u of await store.users.list()) users.push(this.withPresence(await publicUser(store, u)));
    const rooms = await this.rooms.visibleRooms(userId);
    // Former members who wrote in a room this user sees: their old messages must still show a name.
    const visible = new Set(rooms.map((r) => r.id));
    const formerIds = new Set<string>();
    for (const a of await store.users.removedAuthors()) if (visible.has(a.roomId)) formerIds.add(a.userId);
    const formerUsers: PublicUser[] = [];
    for (const id of formerIds) {
      const u = await store.users.byId(id);
      if (u?.removed) formerUsers.push(await publicUser(store, u));
    }
    const markers = await store.readMarkers.markers(userId);
    const mentionCounts = await store.messages.mentionCounts(userId);
    const readMarkers: Record<string, number> = {};
    const unread: Record<string, Unread> = {};
    const mine = new Set(await store.rooms.roomsOf(userId));
    const joined = rooms.filter((r) => mine.has(r.id)).map((r) => r.id);
    // Counts are kept for the rooms one is in; the others are only listed (the room browser).
    for (const r of rooms) {
      if (!mine.has(r.id)) continue;
      const marker = markers.get(r.id) ?? 0;
      readMarkers[r.id] = marker;
      unread[r.id] = { count: await store.messages.unreadCount(userId, r.id, marker), mentions: mentionCounts.get(r.id) ?? 0 };
    }
    // Receipts: in each direct or group chat, where its other members have read up to.
    const receipts: Record<string, Record<string, number>> = {};
    for (const r of rooms) {
      if (isCommunityRoom(r.kind) || !mine.has(r.id)) continue;
      const members = new Set(r.members ?? []);
      const others: Record<string, number> = {};
      for (const [u, order] of await store.readMarkers.ofRoom(r.id)) if (u !== userId && members.has(u)) others[u] = order;
      receipts[r.id] = others;
    }
    const roomSettings = (await store.roomSettings.ofUser(userId)).filter((s) => visible.has(s.roomId));
    const threads = await this.threads.followedState(userId, new Set(joined));
    const blocked = await store.blocks.list(userId);
    const voice = await this.voiceIn(visible);
    return {
      head,
      me: this.withPresence(await meOf(store, meRow)),
      users,
      formerUsers,
      rooms,
      joined,
      categories: await store.categories.list(),
      roles: await store.roles.list(),
      readMarkers,
      unread,
      roomSettings,
      notifyDefaults: (await store.roomSettings.defaults(userId)) ?? DEFAULT_NOTIFY,
      receipts,
      threads,
      ...(blocked.length > 0 && { blocked }),
      ...(voice.length > 0 && { voice }),
    };
  }
}
