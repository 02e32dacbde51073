import { isPixelMode } from '../images/mode.js';
import type { ThumbCache } from '../images/painter.js';
import { decodePng } from '../images/png.js';
import type { FileTransfer } from '../files/transfer.js';
import type { ControllerContext } from './chat-client.js';

/** Thumbnails fetched at once (pictures are extras: they never crowd the chat's own requests out). */
const PARALLEL = 2;
/**
 * The newest pictures of the room on screen have their thumbnails fetched. Fewer than the cache holds
 * (ThumbCache keeps 64), so the wanted ones never push each other out and are fetched again and again.
 */
const WANTED = 32;
/** How far back they are looked for (a long room without pictures costs this much per change, no more). */
const SCAN = 300;

/**
 * The images controller: in a pixel mode, fetches the thumbnails of the image attachments in the room on
 * screen, decodes them (the pixels go to `cache`; only their size goes into the state, which lays out the
 * rows they take) and marks the ones that fail, so they stay half blocks. Each thumbnail is asked for once.
 */
export function attachImages({ store }: ControllerContext, files: FileTransfer, cache: ThumbCache): () => void {
  const asked = new Set<string>();
  const queue: string[] = [];
  let running = 0;
  // A thumbnail let go of is asked for again the next time it is among the room's newest.
  cache.onEvict = (fileId) => {
    asked.delete(fileId);
    store.dispatch({ type: 'images/forget', fileId });
  };

  const pump = () => {
    while (running < PARALLEL && queue.length) {
      const fileId = queue.shift()!;
      running++;
      files
        .thumbnail(fileId)
        .then((bytes) => {
          const b = decodePng(bytes);
          cache.set(fileId, b);
          store.dispatch({ type: 'images/ready', fileId, width: b.width, height: b.height });
        })
        .catch(() => store.dispatch({ type: 'images/failed', fileId }))
        .finally(() => {
          running--;
          pump();
        });
    }
  };

  const look = () => {
    const s = store.getState();
    if (!isPixelMode(s.images.mode) || !s.world || !s.currentRoomId) return;
    const messages = s.world.messages[s.currentRoomId] ?? [];
    // Newest first: the pictures on screen when a room opens are the newest ones.
    let wanted = 0;
    for (let i = messages.length - 1; i >= Math.max(0, messages.length - SCAN) && wanted < WANTED; i--) {
      for (const a of messages[i]!.attachments ?? []) {
        if (!a.thumb || !a.mime.startsWith('image/') || wanted++ >= WANTED || asked.has(a.id)) continue;
        asked.add(a.id);
        queue.push(a.id);
      }
    }
    pump();
  };

  look();
  return store.subscribe((next, prev) => {
    const room = next.currentRoomId;
    const changed = !!room && next.world?.messages[room] !== prev.world?.messages[room];
    if (changed || room !== prev.currentRoomId || next.images.mode !== prev.images.mode || next.images.thumbs !== prev.images.thumbs) look();
  });
}
