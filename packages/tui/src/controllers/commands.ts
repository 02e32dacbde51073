import type { Invite, RequestType } from '@open-discord/protocol';
import { confirmQuestion, doneText } from '../commands/feedback.js';
import { helpScreen } from '../commands/help.js';
import { parseLine } from '../commands/parse.js';
import { findRoom, findUser, resolveArgs } from '../commands/resolve.js';
import { isJoined } from '@open-discord/protocol';
import { orderedRooms, roomBrowser } from '../state/rooms/selectors.js';
import { buildRequest } from '../commands/to-request.js';
import type { PendingCommand } from '../state/overlay/overlay.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';
import type { Sender } from './send.js';

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
  { client, store }: ControllerContext,
  sender: Sender,
  nonce: () => string,
  onQuit: () => void,
  local: LocalCommands = {},
): Commands {
  const { dispatch } = store;

  const runLocal = (name: string, sub: string | undefined, args: Record<string, unknown>) => {
    const world = store.getState().world;
    if (name === 'quit') return onQuit();
    if (name === 'help') return dispatch({ type: 'overlay/help', lines: helpScreen(typeof args.command === 'string' ? args.command : undefined) });
    if (name === 'join') {
      const id = world ? findRoom(world, String(args.room)) : null;
      if (!id) return dispatch({ type: 'flash', kind: 'error', text: `no room "#${String(args.room).replace(/^#/, '')}"` });
      dispatch({ type: 'room/select', roomId: id });
      if (isJoined(world!, id) || world!.rooms[id]?.kind !== 'text') return;
      // Joined on the server: from now on its messages reach this user (its history loads once it has).
      client.request('room.join', { roomId: id }).then(
        () => dispatch({ type: 'flash', kind: 'info', text: `joined #${world!.rooms[id]?.name ?? id}`, roomId: id }),
        (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `/join: ${describeError(e)}`, roomId: id }),
      );
      return;
    }
    if (name === 'list') return world ? dispatch({ type: 'overlay/help', title: 'rooms', lines: roomBrowser(world) }) : undefined;
    if (name === 'part') return part(args.room);
    if (name === 'role' && sub === 'list') return dispatch({ type: 'overlay/roles' });
    if (name === 'mute' || name === 'unmute') return roomPref(name, args.room);
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

  /** /mute, /unmute: on this device only. */
  const roomPref = (name: 'mute' | 'unmute', room: unknown) => {
    const state = store.getState();
    const id = targetRoom(room);
    if (!id) return;
    const label = `#${state.world?.rooms[id]?.name ?? id}`;
    dispatch({ type: 'prefs/set', list: 'muted', id, on: name === 'mute' });
    return dispatch({ type: 'flash', kind: 'info', text: name === 'mute' ? `${label} muted on this device (/unmute undoes it)` : `${label} unmuted` });
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
        if (spec.request === 'room.create' && typeof room?.id === 'string') goWhenVisible(room.id);
      },
      (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `${label}: ${describeError(e)}`, roomId }),
    );
  };

  const submit = (line: string) => {
    const parsed = parseLine(line);
    if (parsed.kind === 'error') return dispatch({ type: 'flash', kind: 'error', text: parsed.message });
    dispatch({ type: 'input/submitted', text: line });
    if (parsed.kind === 'message') return sender.sendMessage(parsed.text);
    const { spec } = parsed;
    if (spec.request === 'message.send' && spec.name === 'me') return sender.sendMessage(String(parsed.args.action ?? ''), true);
    if (spec.request === 'client') return runLocal(spec.name, spec.sub, parsed.args);
    const state = store.getState();
    if (!state.world) return dispatch({ type: 'flash', kind: 'error', text: 'not connected yet' });
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
