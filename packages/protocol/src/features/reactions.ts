import { z } from 'zod';
import { Emoji, Id } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';

// Emoji reactions on messages: a set keyed by (message, user, emoji). Room events, reaching the room's
// members like its messages. A client toggles by sending add or remove for what it shows.

const Change = z.object({ messageId: Id, roomId: Id, emoji: Emoji, userId: Id });

export const events = [
  ev('reaction.added', Change),
  ev('reaction.removed', Change),
] as const;

export const requests = {
  /** Adding a reaction one already has changes nothing (no event). `emoji` may be a known `:shortcode:`. */
  'reaction.add': req({ messageId: Id, emoji: Emoji }, Ok),
  /** Removing a reaction one does not have changes nothing (no event). */
  'reaction.remove': req({ messageId: Id, emoji: Emoji }, Ok),
} as const;
