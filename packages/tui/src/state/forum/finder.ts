import type { PublicUser, Room } from '@open-discord/protocol';
import type { AppState } from '../app-state.js';
import { sanitizeDisplay } from '../../text/sanitize.js';
import { PRESENCE_MARK, presenceOf } from '../members/presence.js';

/** One row of the board or people finder: what Enter goes to, and how it reads. */
export interface FinderEntry {
  kind: 'board' | 'person';
  /** The board's room id, or the person's user id. */
  id: string;
  label: string;
  detail: string;
}

/** `/boards [name]` and `/people NICK`: a list to choose from (Enter goes to the board, or opens the profile). */
export interface Finder {
  title: string;
  status: 'loading' | 'done' | 'failed';
  entries: FinderEntry[];
  selected: number;
}

/**
 * The boards one can see whose name holds `query` (case-folded; empty: every board), by name. The world holds
 * exactly the rooms the server lets one see, so a hidden board is never among them.
 */
export function boardEntries(state: AppState, query: string): FinderEntry[] {
  const world = state.world;
  if (!world) return [];
  const q = query.trim().replace(/^#/, '').toLowerCase();
  return Object.values(world.rooms)
    .filter((r): r is Room => r.kind === 'forum' && r.name.toLowerCase().includes(q))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => ({
      kind: 'board' as const,
      id: r.id,
      label: `#${sanitizeDisplay(r.name)}`,
      detail: [world.joined[r.id] ? 'joined' : 'not joined (Enter looks, /join joins)', sanitizeDisplay(r.topic)].filter(Boolean).join(' · '),
    }));
}

/** People the server found by nickname: presence and status text beside each (what the world knows now). */
export function personEntries(state: AppState, users: readonly PublicUser[]): FinderEntry[] {
  const meId = state.world?.me.id;
  return users.map((u) => {
    const known = state.world?.users[u.id] ?? u;
    const status = known.statusText ?? u.statusText;
    const presence = presenceOf(known);
    return {
      kind: 'person' as const,
      id: u.id,
      label: sanitizeDisplay(u.nickname),
      detail: [`${PRESENCE_MARK[presence]} ${presence}`, u.id === meId ? 'you' : '', status ? sanitizeDisplay(status) : ''].filter(Boolean).join(' · '),
    };
  });
}
