import { LIMITS, type OdClientEvents, type RequestParams, type RequestResult, type RequestType } from '@open-discord/protocol';
import { randomUUID } from 'node:crypto';
import { helpScreen } from '../commands/help.js';
import { parseLine } from '../commands/parse.js';
import { findRoom, resolveArgs } from '../commands/resolve.js';
import { buildRequest } from '../commands/to-request.js';
import { historyWanted, readWanted } from '../state/selectors.js';
import { roomsGained } from '../state/snapshot.js';
import type { Store } from '../state/store.js';
import type { AppState } from '../state/types.js';
import { TypingThrottle } from './typing-throttle.js';
import { describeError } from './errors.js';

/** The part of the protocol client the TUI uses (OdClient satisfies it). */
export interface ChatClient {
  on<K extends keyof OdClientEvents>(name: K, listener: OdClientEvents[K]): unknown;
  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<RequestResult<T>>;
  sendTyping(roomId: string): void;
}

export interface GlueOptions {
  onQuit: () => void;
  nonce?: () => string;
  now?: () => number;
  /** Messages per history page. */
  historyPage?: number;
}

export interface ChatActions {
  /** What Enter does with the input line: send a message or run a command. */
  submit(line: string): void;
  /** Retry the newest failed send in the current room (same nonce, so the server never stores it twice). */
  retry(): void;
  /**
   * Measure the round trip of a one-message `history` read of the current room (the cheapest request that
   * reaches the server's storage and changes nothing) and put it on the status line. At most one in flight;
   * nothing while not live. The caller runs it every LAG_PROBE_MS; going live runs one at once.
   */
  probeLag(): void;
}

export const LAG_PROBE_MS = 15_000;

/** Text that will be sent as a message when Enter is pressed (not a slash command, not blank). */
export function isMessageDraft(text: string): boolean {
  return text.trim() !== '' && (!text.startsWith('/') || text.startsWith('//'));
}

/**
 * The network glue: protocol-client events become store actions, and the store's wishes (older history,
 * read markers) and the user's submissions become requests. Reconnect and resync belong to the client.
 */
export function attachClient(client: ChatClient, store: Store, opts: GlueOptions): ChatActions {
  const nonce = opts.nonce ?? (() => randomUUID());
  const now = opts.now ?? Date.now;
  const page = opts.historyPage ?? 100;
  const { dispatch } = store;

  // Counts connections that went live: a probe answered on a later connection waited through a reconnect,
  // so its time measures the outage, not the lag, and is dropped.
  let epoch = 0;
  let probing = false;
  const probeLag = () => {
    const state = store.getState();
    const roomId = state.currentRoomId;
    if (probing || !roomId || state.status.state !== 'live') return;
    probing = true;
    const started = now();
    const mine = epoch;
    client.request('history', { roomId, limit: 1 }).then(
      () => {
        probing = false;
        const at = now();
        if (mine === epoch) dispatch({ type: 'lag', ms: Math.max(0, at - started), at });
      },
      () => {
        // A failed probe means a dropped connection, which the status line already shows.
        probing = false;
      },
    );
  };
  client.on('status', (status) => {
    const wasLive = store.getState().status.state === 'live';
    dispatch({ type: 'status', status });
    if (status.state === 'live' && !wasLive) {
      epoch++;
      probeLag();
    }
  });
  client.on('snapshot', (state, reason) => dispatch({ type: 'snapshot', state, reason }));
  client.on('event', (event) => dispatch({ type: 'event', event }));
  client.on('presence', (p) => dispatch({ type: 'presence', userId: p.userId, online: p.online }));
  client.on('typing', (t) => dispatch({ type: 'typing', roomId: t.roomId, userId: t.userId, at: now() }));

  function loadHistory(roomId: string, before: number | undefined): void {
    const view = store.getState().views[roomId];
    if (!view || view.loading) return;
    dispatch({ type: 'history/requested', roomId });
    const params: RequestParams<'history'> = { roomId, limit: page };
    if (before !== undefined) params.before = before;
    client.request('history', params).then(
      (r) => dispatch({ type: 'history/loaded', roomId, messages: r.messages, end: r.end }),
      (e: unknown) => dispatch({ type: 'history/failed', roomId, error: describeError(e) }),
    );
  }

  const readInflight = new Map<string, number>();
  const effects = () => {
    const state = store.getState();
    const want = historyWanted(state);
    if (want) loadHistory(want.roomId, want.before);
    const read = readWanted(store.getState());
    if (read && (readInflight.get(read.roomId) ?? -1) < read.order) {
      readInflight.set(read.roomId, read.order);
      dispatch({ type: 'read/local', roomId: read.roomId, order: read.order });
      // A lost read marker only means an unread count that is too high on another device: not worth a flash.
      client.request('read.mark', read).catch(() => readInflight.delete(read.roomId));
    }
  };
  const typing = new TypingThrottle(now);
  // Editing a message (not a command) in the current room tells the others, throttled per room.
  const typingEffect = (next: AppState, prev: AppState) => {
    const roomId = next.currentRoomId;
    if (!roomId || roomId !== prev.currentRoomId || next.input.text === prev.input.text) return;
    if (next.status.state !== 'live' || !isMessageDraft(next.input.text)) return;
    if (typing.typed(roomId)) client.sendTyping(roomId);
  };
  // Rooms that became visible (an access change: by a snapshot, or by the room's own update reaching us once
  // it is open to us) get their recent history at once, so it is there when the user switches to them.
  // Not at the first snapshot (that would load every room at start), nor for new rooms, which are empty.
  const gainedEffect = (next: AppState, prev: AppState) => {
    if (next.rooms === prev.rooms || prev.me === null) return;
    for (const roomId of roomsGained(prev, next)) if (!next.views[roomId]?.end) loadHistory(roomId, undefined);
  };
  store.subscribe((next, prev) => {
    gainedEffect(next, prev);
    effects();
    typingEffect(next, prev);
  });

  const send = (roomId: string, text: string, n: string, action?: boolean) => {
    const params: RequestParams<'message.send'> = { roomId, text, nonce: n };
    if (action) params.action = true;
    client.request('message.send', params).then(
      (r) => dispatch({ type: 'send/confirmed', roomId, nonce: n, message: r.message }),
      (e: unknown) => dispatch({ type: 'send/failed', roomId, nonce: n, error: describeError(e) }),
    );
  };

  const sendMessage = (text: string, action?: boolean) => {
    const state = store.getState();
    const roomId = state.currentRoomId;
    if (!roomId || !state.me) return dispatch({ type: 'flash', kind: 'error', text: 'no room to send to yet' });
    const body = text.replace(/\s+$/, '');
    if (!body) return;
    if (body.length > LIMITS.maxMessageLength) {
      return dispatch({ type: 'flash', kind: 'error', text: `message too long (${body.length}/${LIMITS.maxMessageLength})` });
    }
    const n = nonce();
    typing.sent(roomId);
    dispatch({ type: 'send/started', roomId, nonce: n, text: body, authorId: state.me.id, at: now(), ...(action && { action }) });
    send(roomId, body, n, action);
  };

  const runClientCommand = (name: string, sub: string | undefined, args: Record<string, unknown>) => {
    const state = store.getState();
    if (name === 'quit') return opts.onQuit();
    if (name === 'help') {
      const only = typeof args.command === 'string' ? args.command : undefined;
      return dispatch({ type: 'overlay/help', lines: helpScreen(only) });
    }
    if (name === 'join') {
      const id = findRoom(state, String(args.room));
      if (!id) return dispatch({ type: 'flash', kind: 'error', text: `no room "#${String(args.room).replace(/^#/, '')}"` });
      return dispatch({ type: 'room/select', roomId: id });
    }
    if (name === 'role' && sub === 'list') return dispatch({ type: 'overlay/roles' });
    dispatch({ type: 'flash', kind: 'error', text: `/${name} is not supported by this version of od` });
  };

  return {
    submit(line) {
      const parsed = parseLine(line);
      if (parsed.kind === 'error') return dispatch({ type: 'flash', kind: 'error', text: parsed.message });
      dispatch({ type: 'input/submitted', text: line });
      if (parsed.kind === 'message') return sendMessage(parsed.text);
      const { spec } = parsed;
      const state = store.getState();
      if (spec.request === 'message.send' && spec.name === 'me') return sendMessage(String(parsed.args.action ?? ''), true);
      if (spec.request === 'client') return runClientCommand(spec.name, spec.sub, parsed.args);
      const resolved = resolveArgs(state, spec, parsed.args);
      if (!resolved.ok) return dispatch({ type: 'flash', kind: 'error', text: resolved.message });
      const built = buildRequest(spec, resolved.args, { currentRoomId: state.currentRoomId, nonce });
      if (!built.ok) return dispatch({ type: 'flash', kind: 'error', text: built.message });
      const label = `/${spec.name}${spec.sub ? ' ' + spec.sub : ''}`;
      (client.request as (t: RequestType, p: unknown) => Promise<unknown>)(built.type, built.params).then(
        (result) => {
          dispatch({ type: 'flash', kind: 'info', text: `${label}: done` });
          // A room we just created is where we want to be.
          const room = (result as { room?: { id?: unknown } } | null)?.room;
          if (spec.request === 'room.create' && typeof room?.id === 'string') {
            const id = room.id;
            const go = () => store.getState().rooms[id] && dispatch({ type: 'room/select', roomId: id });
            if (store.getState().rooms[id]) go();
            else {
              const off = store.subscribe((s) => {
                if (s.rooms[id]) {
                  off();
                  go();
                }
              });
            }
          }
        },
        (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `${label}: ${describeError(e)}` }),
      );
    },
    probeLag,
    retry() {
      const state = store.getState();
      const roomId = state.currentRoomId;
      const failed = roomId ? state.views[roomId]?.pending.filter((p) => p.status === 'failed').at(-1) : undefined;
      if (!roomId || !failed?.nonce) return dispatch({ type: 'flash', kind: 'info', text: 'nothing to retry' });
      dispatch({ type: 'send/retry', roomId, nonce: failed.nonce });
      send(roomId, failed.text, failed.nonce, failed.action);
    },
  };
}
