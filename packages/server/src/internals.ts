import type { Services } from './services/index.js';
import type { Hub } from './session/hub.js';
import type { Store } from './store/store.js';

/**
 * The layers behind a running server, for in-process tests and tools (e.g. granting a role before the
 * request for it exists). Not part of the package's public entry.
 */
export interface ServerInternals {
  store: Store;
  services: Services;
  hub: Hub;
}

const registry = new WeakMap<object, ServerInternals>();

export function registerInternals(server: object, internals: ServerInternals): void {
  registry.set(server, internals);
}

export function internalsOf(server: object): ServerInternals {
  const i = registry.get(server);
  if (!i) throw new Error('not a server started by startServer');
  return i;
}
