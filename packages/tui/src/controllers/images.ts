import { isPixelMode } from '../images/mode.js';
import type { ThumbCache } from '../images/painter.js';
import { decodePng } from '../images/png.js';
import type { FileTransfer } from '../files/transfer.js';
import type { ControllerContext } from './chat-client.js';

/** Thumbnails fetched at once (pictures are extras: they never crowd the chat's own requests out). */
const PARALLEL = 2;
/** Only the newest messages of the room on screen have their thumbnails fetched ahead of being scrolled to. */
const LOOK_BACK = 60;

/**
 * The images controller: in a pixel mode, fetches the thumbnails of the image attachments in the room on
 * screen, decodes them (the pixels go to `cache`; only their size goes into the state, which lays out the
 * rows they take) and marks the ones that fail, so they stay half blocks. Each thumbnail is asked for once.
 */
export function attachImages({ store }: ControllerContext, files: FileTransfer, cache: ThumbCache): () => void {
  const asked = new Set<string>();
  const queue: string[] = [];
  let running = 0;

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
    for (let i = messages.length - 1; i >= Math.max(0, messages.length - LOOK_BACK); i--) {
      for (const a of messages[i]!.attachments ?? []) {
        if (!a.thumb || !a.mime.startsWith('image/') || asked.has(a.id)) continue;
        asked.add(a.id);
        queue.push(a.id);
      }
    }
    pump();
  };

  look();
  return store.subscribe((next, prev) => {
    if (next.world !== prev.world || next.currentRoomId !== prev.currentRoomId || next.images.mode !== prev.images.mode) look();
  });
}
