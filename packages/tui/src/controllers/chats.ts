import { NotifyLevel, type RequestParams } from '@open-discord/protocol';
import { findRoom, findUser } from '../commands/resolve.js';
import { isPeeking } from '../state/chats/peek.js';
import { orderedRooms, roomLabel } from '../state/rooms/selectors.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';
import type { Sender } from './send.js';

/** The local commands this controller runs (the table says `client` for them). */
export const CHAT_COMMANDS: ReadonlySet<string> = new Set(['msg', 'leave', 'mute', 'unmute', 'notify', 'rename-local', 'peek', 'unread', 'group', 'block', 'unblock', 'blocked']);

export interface Chats {
  run(name: string, sub: string | undefined, args: Record<string, unknown>): void;
}

/**
 * Direct and group chats and one's own room settings, from the input line: /msg opens (or reuses) the
 * direct chat and sends to it, /leave leaves a group, /mute /unmute /notify /rename-local change one's
 * settings on the server (every device of theirs follows), /peek looks without marking read, /unread marks
 * the room unread again.
 */
export function attachChats({ client, store }: Pick<ControllerContext, 'client' | 'store'>, sender: Sender): Chats {
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string, roomId?: string | null) => dispatch({ type: 'flash', kind, text, ...(roomId !== undefined && { roomId }) });
  const label = (id: string) => `#${roomLabel(store.getState(), id)}`;

  /** Run `fn` once the room is in the world (its event may come just after the reply). */
  const whenVisible = (roomId: string, fn: () => void) => {
    if (store.getState().world?.rooms[roomId]) return fn();
    const off = store.subscribe((s) => {
      if (!s.world?.rooms[roomId]) return;
      off();
      fn();
    });
  };

  /** The named room, or the one on screen. */
  const targetRoom = (room: unknown): string | null => {
    const state = store.getState();
    const named = typeof room === 'string' && room !== '';
    const id = named ? (state.world ? findRoom(state.world, room) : null) : state.currentRoomId;
    if (!id) flash('error', named ? `no room "#${room.replace(/^#/, '')}"` : 'no room to act on');
    return id;
  };

  const settings = (what: string, params: RequestParams<'room.settings'>, done: string) =>
    client.request('room.settings', params).then(
      () => flash('info', done, params.roomId),
      (e: unknown) => flash('error', `/${what}: ${describeError(e)}`, params.roomId),
    );

  const msg = (args: Record<string, unknown>) => {
    const world = store.getState().world;
    const userId = world ? findUser(world, String(args.nick)) : null;
    if (!world || !userId) return flash('error', `no one here is called "${String(args.nick).replace(/^@/, '')}"`);
    if (userId === world.me.id) return flash('error', 'a direct message needs someone else');
    const text = String(args.text ?? '');
    client.request('dm.open', { userId }).then(
      ({ room }) =>
        whenVisible(room.id, () => {
          dispatch({ type: 'room/select', roomId: room.id });
          if (text.trim()) sender.sendMessage(text);
        }),
      (e: unknown) => flash('error', `/msg: ${describeError(e)}`),
    );
  };

  const leave = () => {
    const state = store.getState();
    const id = state.currentRoomId;
    const room = id ? state.world?.rooms[id] : undefined;
    if (!id || !room || !state.world) return flash('error', 'no room to leave');
    if (room.kind !== 'group') return flash('error', room.kind === 'dm' ? 'a direct chat cannot be left' : `#${room.name} is a room: /part leaves it`);
    const name = label(id);
    client.request('group.remove', { roomId: id, userId: state.world.me.id }).then(
      () => {
        const now = store.getState();
        if (now.currentRoomId === id) {
          const next = orderedRooms({ ...now, currentRoomId: null }).find((r) => r.id !== id);
          if (next) dispatch({ type: 'room/select', roomId: next.id });
        }
        flash('info', `left ${name}`);
      },
      (e: unknown) => flash('error', `/leave: ${describeError(e)}`, id),
    );
  };

  const notify = (sub: string | undefined, args: Record<string, unknown>) => {
    const level = String(args.level ?? '').toLowerCase();
    const parsed = NotifyLevel.safeParse(level);
    if (sub === 'default') {
      const kind = String(args.kind ?? '').toLowerCase();
      if ((kind !== 'rooms' && kind !== 'chats') || !parsed.success) return flash('error', 'usage: /notify default rooms|chats all|mentions|none');
      client.request('notify.defaults', { [kind]: parsed.data }).then(
        () => flash('info', `${kind === 'rooms' ? 'rooms' : 'chats'} without a level of their own now ring on ${describe(parsed.data)}`),
        (e: unknown) => flash('error', `/notify default: ${describeError(e)}`),
      );
      return;
    }
    if (level !== 'reset' && !parsed.success) return flash('error', 'usage: /notify all|mentions|none|reset');
    const id = targetRoom(undefined);
    if (!id) return;
    const value = parsed.success ? parsed.data : null;
    void settings('notify', { roomId: id, level: value }, value === null ? `${label(id)} rings as your default says` : `${label(id)} rings on ${describe(value)}`);
  };

  /** /group admin, /group unadmin: the request needs a yes or no the line does not carry. */
  const admin = (sub: string | undefined, args: Record<string, unknown>) => {
    const state = store.getState();
    const id = state.currentRoomId;
    const userId = state.world ? findUser(state.world, String(args.nick)) : null;
    if (!id || state.world?.rooms[id]?.kind !== 'group') return flash('error', 'go to a group chat first');
    if (!userId) return flash('error', `no one here is called "${String(args.nick).replace(/^@/, '')}"`);
    const on = sub === 'admin';
    const nick = state.world.users[userId]?.nickname ?? String(args.nick);
    client.request('group.admin', { roomId: id, userId, admin: on }).then(
      () => flash('info', on ? `${nick} is now an admin of ${label(id)}` : `${nick} is no longer an admin of ${label(id)}`, id),
      (e: unknown) => flash('error', `/group ${sub}: ${describeError(e)}`, id),
    );
  };

  /** /group owner: hand the group on (the request is group.transfer). */
  const transfer = (args: Record<string, unknown>) => {
    const state = store.getState();
    const id = state.currentRoomId;
    const userId = state.world ? findUser(state.world, String(args.nick)) : null;
    if (!id || state.world?.rooms[id]?.kind !== 'group') return flash('error', 'go to a group chat first');
    if (!userId) return flash('error', `no one here is called "${String(args.nick).replace(/^@/, '')}"`);
    const nick = state.world.users[userId]?.nickname ?? String(args.nick);
    client.request('group.transfer', { roomId: id, userId }).then(
      () => flash('info', `${nick} now owns ${label(id)}`, id),
      (e: unknown) => flash('error', `/group owner: ${describeError(e)}`, id),
    );
  };

  /** /block, /unblock: the server keeps the list (every device of yours hides them); /blocked lists it. */
  const block = (name: string, args: Record<string, unknown>) => {
    const world = store.getState().world;
    if (!world) return;
    if (name === 'blocked') {
      const nicks = Object.keys(world.blocked).map((id) => world.users[id]?.nickname ?? world.formerUsers[id]?.nickname ?? id);
      return flash('info', nicks.length ? `blocked: ${nicks.join(', ')}` : 'you have blocked no one');
    }
    const userId = findUser(world, String(args.nick));
    if (!userId) return flash('error', `no one here is called "${String(args.nick).replace(/^@/, '')}"`);
    if (userId === world.me.id) return flash('error', 'you cannot block yourself');
    const on = name === 'block';
    const nick = world.users[userId]?.nickname ?? String(args.nick);
    client.request('user.block', { userId, blocked: on }).then(
      () => flash('info', on ? `blocked ${nick}: no direct messages between you, their messages hidden (/unblock ${nick} undoes it)` : `unblocked ${nick}`),
      (e: unknown) => flash('error', `/${name}: ${describeError(e)}`),
    );
  };

  const run = (name: string, sub: string | undefined, args: Record<string, unknown>) => {
    if (name === 'group') return sub === 'owner' ? transfer(args) : admin(sub, args);
    if (name === 'block' || name === 'unblock' || name === 'blocked') return block(name, args);
    if (name === 'msg') return msg(args);
    if (name === 'leave') return leave();
    if (name === 'notify') return notify(sub, args);
    if (name === 'mute' || name === 'unmute') {
      const id = targetRoom(args.room);
      if (!id) return;
      // An older od kept mutes on the device only: unmuting clears that too.
      if (name === 'unmute') dispatch({ type: 'prefs/set', list: 'muted', id, on: false });
      void settings(name, { roomId: id, muted: name === 'mute' }, name === 'mute' ? `${label(id)} muted (/unmute undoes it)` : `${label(id)} unmuted`);
      return;
    }
    if (name === 'rename-local') {
      const id = targetRoom(undefined);
      if (!id) return;
      const local = typeof args.name === 'string' && args.name.trim() ? args.name.trim() : null;
      void settings('rename-local', { roomId: id, localName: local }, local === null ? 'the room has its own name again (for you)' : `you now see this room as #${local}`);
      return;
    }
    if (name === 'peek') {
      const id = targetRoom(undefined);
      if (!id) return;
      const on = !isPeeking(store.getState(), id);
      dispatch({ type: 'chats/peek', roomId: id, on });
      return flash('info', on ? `peeking at ${label(id)}: it stays unread (/peek again stops)` : `${label(id)} is marked read as you look again`, id);
    }
    if (name === 'unread') {
      const id = targetRoom(undefined);
      const list = id ? store.getState().world?.messages[id] : undefined;
      const last = list?.[list.length - 1];
      if (!id) return;
      if (!last) return flash('error', 'no message to mark unread', id);
      // Looking on would mark it read straight away: stop that until the user moves on or /peek again.
      dispatch({ type: 'chats/peek', roomId: id, on: true });
      client.request('read.unmark', { roomId: id, order: last.order }).then(
        () => flash('info', `${label(id)} marked unread (peeking: /peek stops)`, id),
        (e: unknown) => flash('error', `/unread: ${describeError(e)}`, id),
      );
    }
  };

  return { run };
}

const describe = (level: NotifyLevel) => (level === 'all' ? 'every message' : level === 'mentions' ? 'mentions only' : 'nothing');
