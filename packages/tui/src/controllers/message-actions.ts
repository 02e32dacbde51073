import { broadcastMention, emojiProblem, hasReacted, resolveEmoji, type World } from '@open-discord/protocol';
import { targetMessage } from '../state/selection/selection.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

/** What the selection keys and the message commands ask of the network and the terminal. */
export interface MessageActions {
  /** Toggle my `emoji` (an emoji or a known :shortcode:) on a message: removed if I have it, added if not. */
  react(messageId: string, emoji: string): void;
  /** Save an edit of my message. */
  edit(messageId: string, text: string): void;
  /** Put text on the terminal's clipboard (OSC 52). */
  copy(text: string): void;
}

/**
 * OSC 52 "set clipboard": the terminal puts the base64 text on the system clipboard, over ssh and tmux too
 * (tmux passes it on with `set-clipboard on`). BEL ends it: more terminals accept it than ST.
 */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

/** A line that is just `+` and an emoji or `:shortcode:` toggles that reaction on the last message. */
const REACT_LINE = /^\+(:[a-z0-9_+-]+:|\p{Extended_Pictographic}[\p{Extended_Pictographic}\p{M}\u200d\u{1F3FB}-\u{1F3FF}]*)$/iu;
export function reactionLine(line: string): string | null {
  return REACT_LINE.exec(line.trim())?.[1] ?? null;
}

export function attachMessageActions({ client, store }: ControllerContext, writeTerminal: (data: string) => void): MessageActions {
  const { dispatch } = store;
  const fail = (what: string) => (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `${what}: ${describeError(e)}` });
  return {
    react(messageId, typed) {
      const emoji = resolveEmoji(typed);
      const problem = emojiProblem(emoji);
      if (problem) return dispatch({ type: 'flash', kind: 'error', text: `/react: ${problem}` });
      const state = store.getState();
      const world = state.world;
      const roomId = state.currentRoomId;
      const message = roomId ? world?.messages[roomId]?.find((m) => m.id === messageId) : undefined;
      if (!world || !message) return dispatch({ type: 'flash', kind: 'error', text: '/react: that message is not loaded' });
      // The toggle decides from what this screen shows; the server's set semantics make a stale guess harmless.
      const type = hasReacted(message, emoji, world.me.id) ? 'reaction.remove' : 'reaction.add';
      client.request(type, { messageId, emoji }).catch(fail('/react'));
    },
    edit(messageId, text) {
      client.request('message.edit', { messageId, text }).then(
        () => dispatch({ type: 'flash', kind: 'info', text: 'message edited' }),
        fail('/edit'),
      );
    },
    copy(text) {
      writeTerminal(osc52(text));
      dispatch({ type: 'flash', kind: 'info', text: 'message copied to the clipboard' });
    },
  };
}

/** The message a command without an id acts on, or a notice saying there is none. */
export function pickTarget(ctx: ControllerContext, own: boolean, what: string): string | null {
  const m = targetMessage(ctx.store.getState(), own);
  if (!m) ctx.store.dispatch({ type: 'flash', kind: 'error', text: `${what}: no ${own ? 'message of yours' : 'message'} here to act on` });
  return m?.id ?? null;
}

/**
 * Said before sending a message with @room/@here that will reach nobody: the server sends it as typed but
 * mentions no one by those words without `mention_everyone` (held by a role of mine, everyone's, or the top one).
 */
export function broadcastWarning(world: Pick<World, 'me' | 'roles'>, text: string): string | null {
  const word = broadcastMention(text);
  if (!word) return null;
  const roles = Object.values(world.roles);
  const top = Math.max(...roles.map((r) => r.position));
  const allowed = roles.some(
    (r) => (world.me.roles.includes(r.id) || (r.builtin && r.position === 0)) && (r.permissions.includes('mention_everyone') || (r.builtin && r.position === top)),
  );
  return allowed ? null : `@${word} needs the mention_everyone permission: sent, but nobody is notified by it`;
}
