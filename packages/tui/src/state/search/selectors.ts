import { formatTime } from '../../wrap/message-lines.js';
import type { AppState } from '../app-state.js';
import { authorOf } from '../roles/roles.js';
import { roomLabel } from '../rooms/selectors.js';
import type { SearchRow } from '../../ui/SearchOverlay.js';

const two = (n: number) => String(n).padStart(2, '0');
const day = (ts: number) => {
  const d = new Date(ts);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
};

/** The hits as the overlay draws them: room label, author (name and colour), local date and time. */
export function searchRows(state: AppState): SearchRow[] {
  const world = state.world;
  if (!world) return [];
  return state.search.hits.map((hit) => {
    const author = authorOf(world, hit.message.authorId);
    const room = world.rooms[hit.message.roomId] ? roomLabel(state, hit.message.roomId) : '?';
    return { hit, room, author: author.nick, authorColor: author.color, when: `${day(hit.message.createdAt)} ${formatTime(hit.message.createdAt, state.look.timestampFormat)}` };
  });
}
