/**
 * Pure ordering logic for the event stream (see docs/protocol.md, "Resume, replay, live and gaps").
 *
 * The client keeps one number, `lastOrder`: every order up to it has been either applied or accounted for
 * as redacted (hidden from this user). Live frames carry `prev`, the order the server last accounted this
 * connection up to; sync and replay pages carry `through`. Nothing else is needed to detect loss and
 * duplication exactly.
 */

export interface Ordered {
  order: number;
}

export type LiveDecision =
  /** Apply the event; afterwards lastOrder = event.order. */
  | { kind: 'apply' }
  /** Already applied (a replayed or doubled frame): skip it. */
  | { kind: 'duplicate' }
  /** Orders between lastOrder and prev were never accounted for: pull `sync` pages from lastOrder first. */
  | { kind: 'gap'; from: number; to: number };

export function decideLive(lastOrder: number, frame: { prev: number; event: Ordered }): LiveDecision {
  if (frame.event.order <= lastOrder) return { kind: 'duplicate' };
  // prev < lastOrder is fine: the orders between are already accounted for (e.g. by a snapshot's head).
  if (frame.prev > lastOrder) return { kind: 'gap', from: lastOrder, to: frame.prev };
  return { kind: 'apply' };
}

export interface PageResult<E extends Ordered> {
  /** Events to apply, ascending, each order > the old lastOrder and no order twice. */
  apply: E[];
  lastOrder: number;
}

/**
 * A replay or sync page: apply the events after lastOrder, then the client is accounted up to `through`.
 * Defensive about servers that repeat or reorder events inside a page: only strictly increasing orders pass.
 */
export function applyPage<E extends Ordered>(lastOrder: number, page: { events: readonly E[]; through: number }): PageResult<E> {
  const apply: E[] = [];
  let last = lastOrder;
  for (const e of page.events) {
    if (e.order <= last) continue;
    apply.push(e);
    last = e.order;
  }
  return { apply, lastOrder: Math.max(last, page.through) };
}
