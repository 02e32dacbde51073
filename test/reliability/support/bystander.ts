import type { RawClient } from './ws-client.js';

let n = 0;

/**
 * Proof that a client is unaffected by someone else's abuse: it can still send a message and sees it come
 * back as a live event.
 */
export async function assertHealthy(c: RawClient, roomId: string): Promise<void> {
  const nonce = `healthy-${process.pid}-${++n}`;
  const r = await c.request('message.send', { roomId, text: `still here ${n}`, nonce });
  if (!r.ok) throw new Error(`healthy client's send failed: ${JSON.stringify(r.error)}`);
  await c.waitFor(
    (f) => f.type === 'event' && (f.event as { data?: { message?: { nonce?: string } } }).data?.message?.nonce === nonce,
    10_000,
    `the healthy client's own message ${nonce}`,
  );
}

/** Heap + off-heap (Buffers) after full GC: what a flood could make the server hold on to. */
export const heldBytes = (m: { heapUsed: number; external: number }) => m.heapUsed + m.external;
export const MiB = 1024 * 1024;
