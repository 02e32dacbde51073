import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  broadcastMention,
  emojiProblem,
  hasReacted,
  resolveEmoji,
  worldFromState,
  type ClientEvent,
  type World,
} from '@open-discord/protocol';
import { event, message, msgEvent, state } from './helpers/fixtures.js';

const apply = (w: World, ...events: ClientEvent[]) => events.reduce(applyEvent, w);
const react = (order: number, type: 'reaction.added' | 'reaction.removed', userId: string, emoji: string, messageId = 'm11') =>
  event(type, order, { messageId, roomId: 'r1', emoji, userId }, 'r1');

describe('reactions in the World', () => {
  it('apply as a set per emoji, keep an emoji in place while anyone has it, and survive an edit', () => {
    let w = apply(worldFromState(state()), msgEvent(11, 'r1'));
    w = apply(w, react(12, 'reaction.added', 'u2', '🎉'), react(13, 'reaction.added', 'u1', '👍'), react(14, 'reaction.added', 'u1', '🎉'));
    expect(w.messages.r1![0]!.reactions).toEqual([
      { emoji: '🎉', userIds: ['u2', 'u1'] },
      { emoji: '👍', userIds: ['u1'] },
    ]);
    expect(hasReacted(w.messages.r1![0]!, '🎉', 'u1')).toBe(true);
    // A replayed add changes nothing, identity included.
    const same = applyEvent(w, react(15, 'reaction.added', 'u2', '🎉'));
    expect(same.messages).toBe(w.messages);
    w = apply(w, react(16, 'reaction.removed', 'u2', '🎉'));
    expect(w.messages.r1![0]!.reactions![0]).toEqual({ emoji: '🎉', userIds: ['u1'] });
    w = apply(w, event('message.edited', 17, { message: message('m11', 'r1', 11, { text: 'edited', editedAt: 5 }) }, 'r1'));
    expect(w.messages.r1![0]).toMatchObject({ text: 'edited', reactions: [{ emoji: '🎉' }, { emoji: '👍' }] });
    w = apply(w, react(18, 'reaction.removed', 'u1', '🎉'), react(19, 'reaction.removed', 'u1', '👍'));
    expect(w.messages.r1![0]!.reactions).toBeUndefined();
    expect('reactions' in w.messages.r1![0]!).toBe(false);
  });

  it('ignore reactions on messages that are not loaded (their history page carries them)', () => {
    const w = apply(worldFromState(state()), msgEvent(11, 'r1'));
    const next = applyEvent(w, react(12, 'reaction.added', 'u2', '🎉', 'elsewhere'));
    expect(next.messages).toBe(w.messages);
    expect(next.head).toBe(12);
  });
});

describe('emoji and broadcast words', () => {
  it('resolve known shortcodes, keep the rest, and refuse spaces and controls', () => {
    expect(resolveEmoji(':tada:')).toBe('🎉');
    expect(resolveEmoji(':+1:')).toBe('👍');
    expect(resolveEmoji(':TADA:')).toBe('🎉');
    expect(resolveEmoji(':custom:')).toBe(':custom:');
    expect(resolveEmoji('🦀')).toBe('🦀');
    expect(emojiProblem('👨‍👩‍👧')).toBeNull();
    expect(emojiProblem('a b')).not.toBeNull();
    expect(emojiProblem('')).not.toBeNull();
    expect(emojiProblem('\u0007')).not.toBeNull();
  });

  it('find @room, @everyone and @here as words only', () => {
    expect(broadcastMention('hey @room!')).toBe('room');
    expect(broadcastMention('@everyone')).toBe('room');
    expect(broadcastMention('@here and @room')).toBe('room');
    expect(broadcastMention('@HERE: standup')).toBe('here');
    expect(broadcastMention('mail me@room.org')).toBeNull();
    expect(broadcastMention('@roomy')).toBeNull();
    expect(broadcastMention('room here')).toBeNull();
  });
});
