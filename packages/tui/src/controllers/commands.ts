import type { Invite, RequestType } from '@open-discord/protocol';
import { confirmQuestion, doneText } from '../commands/feedback.js';
import { helpScreen } from '../commands/help.js';
import { parseLine } from '../commands/parse.js';
import { findRoom, findUser, resolveArgs } from '../commands/resolve.js';
import { isCommunityRoom, isJoined } from '@open-discord/protocol';
import { orderedRooms, roomBrowser } from '../state/rooms/selectors.js';
import { buildRequest } from '../commands/to-request.js';
import type { PendingCommand } from '../state/overlay/overlay.js';
import type { ControllerContext } from './chat-client.js';
import { attachChats, CHAT_COMMANDS } from './chats.js';
import { describeError } from './describe-error.js';
import type { Presence } from './presence.js';
import type { Files } from './files.js';
import type { Sender } from './send.js';
import { broadcastWarning, type MessageActions, pickTarget, reactionLine } from './message-actions.js';
import { selectedMessage } from '../state/selection/selection.js';
import type { Threads } from './threads.js';
import type { Forum } from './forum.js';

/** What a command's reply tells its user: an invite's code (to copy), the invites, the highlight words. */
function describeResult(result: unknown): string | null {
  const r = (result ?? {}) as { invite?: Invite; invites?: Invite[]; highlights?: string[] };
  const one = (i: Invite) =>
    `${i.code ?? `id ${i.id}`} (${i.usesLeft} use${i.usesLeft === 1 ? '' : 's'} left${i.expiresAt === null ? '' : `, expires ${new Date(i.expiresAt).toISOString().slice(0, 16).replace('T', ' ')}`})`;
  if (r.invite) return `invite code ${one(r.invite)}`;
  if (r.invites) return r.invites.length ? r.invites.map(one).join('; ') : 'no invites';
  if (r.highlights) return r.highlights.length ? `highlight words: ${r.highlights.join(' ')}` : 'highlight words cleared';
  return null;
}

export interface Commands {
  /** What Enter does with the input line. */
  submit(line: string): void;
  /** Run a command whose confirmation was answered yes. */
  run(command: PendingCommand): void;
}

/**
 * The command controller: what Enter does with the input line. A message goes to the send controller; a
 * slash command from the shared table is resolved against the world and sent as its request (after a y/N
 * question when it destroys something), or run here when it is local (/help, /join, /quit, /role list). Its
 * notices belong to the room it was typed in, even when the reply comes after the user moved on.
 */
/** Local commands another controller runs (by command name), given the parsed arguments. */
export type LocalCommands = Record<string, (args: Record<string, unknown>) => void>;

export function attachCommands(
  ctx: ControllerContext,
  sender: Sender,
  nonce: () => string,
  onQuit: () => void,
  messages: MessageActions,
  presence: Presence,
  files?: Files,
  threads?: Threads,
  local: LocalCommands = {},
  forum?: Forum,
): Commands {
  const { client, store } = ctx;
  const { dispatch } = store;
  const chats = attachChats({ client, store }, sender);

  const runLocal = (name: string, sub: string | undefined, args: Record<string, unknown>) => {
    const world = store.getState().world;
    if (name === 'quit') return onQuit();
    if (name === 'help') return dispatch({ type: 'overlay/help', lines: helpScreen(typeof args.command === 'string' ? args.command : undefined) });
    if (name === 'join') {
      const id = world ? findRoom(world, String(args.room)) : null;
      if (!id) return dispatch({ type: 'flash', kind: 'error', text: `no room "#${String(args.room).replace(/^#/, '')}"` });
      dispatch({ type: 'room/select', roomId: id });
      if (isJoined(world!, id) || !isCommunityRoom(world!.rooms[id]?.kind)) return;
      // Joined on the server: from now on its messages reach this user (its history loads once it has).
      client.request('room.join', { roomId: id }).then(
        () => dispatch({ type: 'flash', kind: 'info', text: `joined #${world!.rooms[id]?.name ?? id}`, roomId: id }),
        (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `/join: ${describeError(e)}`, roomId: id }),
      );
      return;
    }
    if (name === 'upload' && files) return files.upload(String(args.path), typeof args.caption === 'string' ? args.caption : '');
    if (name === 'open' && files) return files.open(args.n === undefined ? 1 : Number(args.n));
    if (name === 'avatar' && files) return files.avatar(typeof args.path === 'string' ? args.path : '');
    if (name === 'list') return world ? dispatch({ type: 'overlay/help', title: 'rooms', lines: roomBrowser(world) }) : undefined;
    if (name === 'part') return part(args.room);
    if (name === 'members') return presence.members();
    if (name === 'away') return presence.setMode('away');
    if (name === 'back') return presence.setMode('auto');
    if (name === 'invisible') return presence.setMode('invisible');
    if (name === 'role' && sub === 'list') return dispatch({ type: 'overlay/roles' });
    if (name === 'react') {
      const id = pickTarget(ctx, false, '/react');
      // A message held by selection mode's + has served its purpose.
      dispatch({ type: 'select/leave' });
      return id ? messages.react(id, String(args.emoji)) : undefined;
    }
    if (name === 'edit') return editCommand(args.text);
    // In voice, a bare /mute and /unmute are the microphone's (as in every voice app); with a room, a room's.
    if ((name === 'mute' || name === 'unmute') && args.room === undefined && store.getState().voice.roomId && local['mute-mic']) {
      if ((name === 'mute') !== store.getState().voice.muted) local['mute-mic'](args);
      return;
    }
    if (CHAT_COMMANDS.has(name)) return chats.run(name, sub, args);
    // The forum's commands first: `/follow @nick` is a person, `/follow all` the open thread.
    if (forum?.run(name, args)) return;
    if (threads && (name === 'thread' || name === 'follow' || name === 'unfollow' || name === 'also')) return threadCommand(threads, name, args);
    if (name === 'ignore' || name === 'unignore') {
      const id = world ? findUser(world, String(args.nick)) : null;
      if (!id) return dispatch({ type: 'flash', kind: 'error', text: `no member "${String(args.nick)}"` });
      if (id === world!.me.id) return dispatch({ type: 'flash', kind: 'error', text: 'you cannot ignore yourself' });
      dispatch({ type: 'prefs/set', list: 'ignored', id, on: name === 'ignore' });
      const nick = world!.users[id]?.nickname ?? String(args.nick);
      return dispatch({ type: 'flash', kind: 'info', text: name === 'ignore' ? `ignoring ${nick} on this device (/unignore ${nick} undoes it)` : `showing ${nick}'s messages again` });
    }
    const handler = sub === undefined ? local[name] : undefined;
    if (handler) return handler(args);
    dispatch({ type: 'flash', kind: 'error', text: `/${name} is not supported by this version of od` });
  };

  /** /edit: with text, replace my selected (or last) message's; alone, load it into the input line to edit. */
  const editCommand = (text: unknown) => {
    const id = pickTarget(ctx, true, '/edit');
    const state = store.getState();
    const message = id && state.currentRoomId ? state.world?.messages[state.currentRoomId]?.find((m) => m.id === id) : undefined;
    if (!message) return;
    dispatch({ type: 'select/leave' });
    if (typeof text === 'string' && text.trim()) return messages.edit(message.id, text);
    dispatch({ type: 'select/edit', roomId: message.roomId, messageId: message.id, text: message.text });
    dispatch({ type: 'flash', kind: 'info', text: 'editing your message: Enter saves, Esc gives up' });
  };

  /** The named room, or the one on screen. */
  const targetRoom = (room: unknown): string | null => {
    const state = store.getState();
    const id = typeof room === 'string' && room ? (state.world ? findRoom(state.world, room) : null) : state.currentRoomId;
    if (!id) dispatch({ type: 'flash', kind: 'error', text: typeof room === 'string' && room ? `no room "#${room.replace(/^#/, '')}"` : 'no room to act on' });
    return id;
  };

  /** /part: leave the room on the server; if it is on screen, the next room in the list takes its place. */
  const part = (room: unknown) => {
    const id = targetRoom(room);
    if (!id) return;
    const label = `#${store.getState().world?.rooms[id]?.name ?? id}`;
    client.request('room.part', { roomId: id }).then(
      () => {
        const state = store.getState();
        if (state.currentRoomId === id) {
          const next = orderedRooms({ ...state, currentRoomId: null })[0];
          if (next) dispatch({ type: 'room/select', roomId: next.id });
        }
        dispatch({ type: 'flash', kind: 'info', text: `left ${label} (/join ${label} brings you back)` });
      },
      (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `/part: ${describeError(e)}` }),
    );
  };

  /** A room we just created is where we want to be, as soon as its event has brought it into the world. */
  const goWhenVisible = (roomId: string) => {
    const go = () => dispatch({ type: 'room/select', roomId });
    if (store.getState().world?.rooms[roomId]) return go();
    const off = store.subscribe((s) => {
      if (!s.world?.rooms[roomId]) return;
      off();
      go();
    });
  };

  const run = (command: PendingCommand) => {
    const { spec, params, roomId } = command;
    const before = store.getState().world;
    const label = `/${spec.name}${spec.sub ? ' ' + spec.sub : ''}`;
    (client.request as (t: RequestType, p: unknown) => Promise<unknown>)(spec.request as RequestType, params).then(
      (result) => {
        // What the reply carries (an invite's code to copy, the invites, the highlight words) beats "done".
        const told = describeResult(result);
        if (told !== null) dispatch({ type: 'flash', kind: 'info', text: `${label}: ${told}`, roomId });
        else if (before) dispatch({ type: 'flash', kind: 'info', text: `${label}: ${doneText(spec, params, before)}`, roomId });
        const room = (result as { room?: { id?: unknown } } | null)?.room;
        if ((spec.request === 'room.create' || spec.request === 'group.create') && typeof room?.id === 'string') goWhenVisible(room.id);
      },
      (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `${label}: ${describeError(e)}`, roomId }),
    );
  };

  const threadCommand = (t: Threads, name: string, args: Record<string, unknown>) => {
    const state = store.getState();
    if (name === 'thread') {
      const roomId = state.currentRoomId;
      const list = roomId ? state.world?.messages[roomId] : undefined;
      const id = typeof args.message === 'string' ? args.message : list?.at(-1)?.id;
      if (!roomId || !id) return dispatch({ type: 'flash', kind: 'error', text: 'no message to open a thread on' });
      return t.open(roomId, id);
    }
    if (name === 'unfollow') return t.unfollow();
    if (name === 'also') return dispatch({ type: 'thread/also-in-room' });
    const level = typeof args.level === 'string' ? args.level : undefined;
    if (level === undefined) return t.follow({});
    if (level === 'mute' || level === 'unmute') return t.follow({ muted: level === 'mute' });
    if (level === 'all' || level === 'mentions' || level === 'none') return t.follow({ level });
    dispatch({ type: 'flash', kind: 'error', text: '/follow: all, mentions, none, mute or unmute' });
  };

  const submit = (line: string) => {
    // A dropped or pasted file path (often absolute, so it would read as an unknown /command) offers an upload.
    if (files?.offer(line)) return;
    const parsed = parseLine(line);
    if (parsed.kind === 'error') return dispatch({ type: 'flash', kind: 'error', text: parsed.message });
    dispatch({ type: 'input/submitted', text: line });
    // `+:tada:` alone on a line: a reaction on the selected (or the last) message, not a message.
    const react = parsed.kind === 'message' ? reactionLine(line) : null;
    if (react !== null) {
      const id = pickTarget(ctx, false, 'reaction');
      return id ? messages.react(id, react) : undefined;
    }
    if (parsed.kind === 'message') {
      const world = store.getState().world;
      const warning = world && broadcastWarning(world, parsed.text);
      if (warning) dispatch({ type: 'flash', kind: 'info', text: warning });
      // While `/post` waits for its body, the line is the post's body.
      if (forum && store.getState().forum.composer) return forum.body(parsed.text);
      // While a thread is open, what is typed is a reply in it.
      return threads && store.getState().thread ? threads.reply(parsed.text) : sender.sendMessage(parsed.text);
    }
    const { spec } = parsed;
    if (spec.request === 'message.send' && spec.name === 'me') return sender.sendMessage(String(parsed.args.action ?? ''), true);
    if (spec.request === 'client') return runLocal(spec.name, spec.sub, parsed.args);
    const state = store.getState();
    if (!state.world) return dispatch({ type: 'flash', kind: 'error', text: 'not connected yet' });
    if (spec.request === 'message.delete' && parsed.args.message === undefined) {
      // No id: the selected message, else my last one (ids never need typing).
      const id = selectedMessage(state)?.id ?? pickTarget(ctx, true, '/delete');
      if (!id) return;
      parsed.args.message = id;
    }
    const resolved = resolveArgs(state.world, spec, parsed.args);
    if (!resolved.ok) return dispatch({ type: 'flash', kind: 'error', text: resolved.message });
    const built = buildRequest(spec, resolved.args, { currentRoomId: state.currentRoomId, nonce });
    if (!built.ok) return dispatch({ type: 'flash', kind: 'error', text: built.message });
    const command: PendingCommand = { spec, params: built.params, roomId: state.currentRoomId, ...(built.extra && { extra: built.extra }) };
    if (spec.destructive) return dispatch({ type: 'overlay/confirm', question: confirmQuestion(spec, built.params, state.world), command });
    run(command);
  };

  return { submit, run };
}
