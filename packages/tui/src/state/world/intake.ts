import type { ClientEvent, Message, StateResult } from '@open-discord/protocol';
import { sanitizeDisplay, sanitizeRecord } from '../../text/sanitize.js';

/*
 * Where wire text enters the TUI's state: names, topics and message texts come from other people and must
 * never reach the terminal as control sequences, so everything is cleaned here, before the world model folds
 * it. (Bots get the exact text; only a terminal needs this.)
 */

export function cleanMessage(m: Message): Message {
  const text = sanitizeDisplay(m.text);
  return text === m.text ? m : { ...m, text };
}

export function cleanState(s: StateResult): StateResult {
  return {
    ...s,
    me: sanitizeRecord(s.me),
    users: s.users.map(sanitizeRecord),
    rooms: s.rooms.map(sanitizeRecord),
    categories: s.categories.map(sanitizeRecord),
    roles: s.roles.map(sanitizeRecord),
  };
}

export function cleanEvent(e: ClientEvent): ClientEvent {
  switch (e.type) {
    case 'user.joined':
    case 'user.updated':
      return { ...e, data: { user: sanitizeRecord(e.data.user) } };
    case 'room.created':
    case 'room.updated':
      return { ...e, data: { room: sanitizeRecord(e.data.room) } };
    case 'category.created':
    case 'category.updated':
      return { ...e, data: { category: sanitizeRecord(e.data.category) } };
    case 'role.created':
    case 'role.updated':
      return { ...e, data: { role: sanitizeRecord(e.data.role) } };
    case 'message.created':
    case 'message.edited':
      return { ...e, data: { message: cleanMessage(e.data.message) } };
    default:
      return e;
  }
}
