import type { Invite, RequestType } from '@open-discord/protocol';
import { helpScreen } from '../commands/help.js';
import { parseLine } from '../commands/parse.js';
import { findRoom, resolveArgs } from '../commands/resolve.js';
import { buildRequest } from '../commands/to-request.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';
import type { Sender } from './send.js';

/** What a command's reply tells its user: an invite's code (to copy), the invites, the highlight words. */
function describeResult(result: unknown): string {
  const r = (result ?? {}) as { invite?: Invite; invites?: Invite[]; highlights?: string[] };
  const one = (i: Invite) =>
    `${i.code ?? `id ${i.id}`} (${i.usesLeft} use${i.usesLeft === 1 ? '' : 's'} left${i.expiresAt === null ? '' : `, expires ${new Date(i.expiresAt).toISOString().slice(0, 16).replace('T', ' ')}`})`;
  if (r.invite) return `invite code ${one(r.invite)}`;
  if (r.invites) return r.invites.length ? r.invites.map(one).join('; ') : 'no invites';
  if (r.highlights) return r.highlights.length ? `highlight words: ${r.highlights.join(' ')}` : 'highlight words cleared';
  return 'done';
}

/**
 * The command controller: what Enter does with the input line. A message goes to the send controller; a
 * slash command from the shared table is resolved against the world and sent as its request, or run here
 * when it is local (/help, /join, /quit, /role list).
 */
export function attachCommands({ client, store }: ControllerContext, sender: Sender, nonce: () => string, onQuit: () => void): (line: string) => void {
  const { dispatch } = store;

  const runLocal = (name: string, sub: string | undefined, args: Record<string, unknown>) => {
    const world = store.getState().world;
    if (name === 'quit') return onQuit();
    if (name === 'help') return dispatch({ type: 'overlay/help', lines: helpScreen(typeof args.command === 'string' ? args.command : undefined) });
    if (name === 'join') {
      const id = world ? findRoom(world, String(args.room)) : null;
      if (!id) return dispatch({ type: 'flash', kind: 'error', text: `no room "#${String(args.room).replace(/^#/, '')}"` });
      return dispatch({ type: 'room/select', roomId: id });
    }
    if (name === 'role' && sub === 'list') return dispatch({ type: 'overlay/roles' });
    dispatch({ type: 'flash', kind: 'error', text: `/${name} is not supported by this version of od` });
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

  return (line) => {
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
    const label = `/${spec.name}${spec.sub ? ' ' + spec.sub : ''}`;
    (client.request as (t: RequestType, p: unknown) => Promise<unknown>)(built.type, built.params).then(
      (result) => {
        dispatch({ type: 'flash', kind: 'info', text: `${label}: ${describeResult(result)}` });
        const room = (result as { room?: { id?: unknown } } | null)?.room;
        if (spec.request === 'room.create' && typeof room?.id === 'string') goWhenVisible(room.id);
      },
      (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `${label}: ${describeError(e)}` }),
    );
  };
}
