/**
 * A tiny typed event emitter. Node's EventEmitter would work at runtime but loses the listener types, and
 * the client must also run where `events` semantics (an 'error' event that throws) would be a surprise.
 * A listener that throws does not stop the others: the error is reported to `onListenerError`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: Listener }> {
  /**
   * Per event name, its listeners in the order added. A list is never changed in place: on/off replace it,
   * so emit iterates the list it found without copying it (a catch-up emits thousands of events a page), and
   * a listener that adds or removes listeners while it runs affects the next emit only.
   */
  private readonly listeners = new Map<keyof Events, readonly Listener[]>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  on<K extends keyof Events>(name: K, listener: Events[K]): this {
    const list = this.listeners.get(name) ?? [];
    // Adding a listener twice is a no-op, as with a Set.
    if (!list.includes(listener)) this.listeners.set(name, [...list, listener]);
    return this;
  }

  off<K extends keyof Events>(name: K, listener: Events[K]): this {
    const list = this.listeners.get(name);
    if (!list) return this;
    // A `once` wrapper is stored under its own identity; find it through the original.
    const kept = list.filter((l) => l !== listener && (l as { original?: Listener }).original !== listener);
    if (kept.length === 0) this.listeners.delete(name);
    else if (kept.length !== list.length) this.listeners.set(name, kept);
    return this;
  }

  once<K extends keyof Events>(name: K, listener: Events[K]): this {
    const wrapper = ((...args: unknown[]) => {
      this.off(name, wrapper as Events[K]);
      listener(...args);
    }) as Listener & { original?: Listener };
    wrapper.original = listener;
    return this.on(name, wrapper as Events[K]);
  }

  listenerCount<K extends keyof Events>(name: K): number {
    return this.listeners.get(name)?.length ?? 0;
  }

  protected emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): void {
    const list = this.listeners.get(name);
    if (!list) return;
    for (const l of list) {
      try {
        l(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
