/**
 * What a port's call returns: the value itself from an engine that answers synchronously (SQLite, in
 * process), or a promise from one over the network (PostgreSQL). Callers always `await` it; awaiting a
 * plain value costs one microtask, so the embedded engine stays fast and the network one becomes possible.
 */
export type Awaitable<T> = T | Promise<T>;
