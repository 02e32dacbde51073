import type { ControllerContext } from './chat-client.js';

export const LAG_PROBE_MS = 15_000;

/**
 * The lag controller: measures the round trip of a one-message `history` read of the current room (the
 * cheapest request that reaches the server's storage and changes nothing) for the status line. At most one in
 * flight; nothing while not live. The caller runs `probe` every LAG_PROBE_MS; going live runs one at once.
 */
export function attachLag({ client, store, now }: ControllerContext): () => void {
  const { dispatch } = store;
  // Counts connections that went live: a probe answered on a later connection waited through a reconnect,
  // so its time measures the outage, not the lag, and is dropped.
  let epoch = 0;
  let probing = false;
  const probe = () => {
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
  store.subscribe((next, prev) => {
    if (next.status.state === 'live' && prev.status.state !== 'live') {
      epoch++;
      probe();
    }
  });
  return probe;
}
