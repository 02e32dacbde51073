/**
 * A tiny typed event emitter. Node's EventEmitter would work at runtime but loses the listener types, and
 * the client must also run where `events` semantics (an 'error' event that throws) would be a surprise.
 * A listener that throws does not stop the others: the error is reported to `onListenerError`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: Listener }> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  on<K extends keyof Events>(name: K, listener: Events[K]): this {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener);
    return this;
  }

  off<K extends keyof Events>(name: K, listener: Events[K]): this {
    const set = this.listeners.get(name);
    if (!set) return this;
    set.delete(listener);
    // A `once` wrapper is stored under its own identity; find it through the original.
    for (const l of set) if ((l as { original?: Listener }).original === listener) set.delete(l);
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
    return this.listeners.get(name)?.size ?? 0;
  }

  protected emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): void {
    const set = this.listeners.get(name);
    if (!set) return;
    // Copy: a listener may remove itself (once) or others while we iterate.
    for (const l of [...set]) {
      try {
        l(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
