/** The package's public entry: start a server. Everything else is internal to this repository. */
export { startServer, type ServerOptions, type RunningServer } from './app.js';
export { DEFAULTS } from './defaults.js';
export type { Registration } from './features/accounts/service.js';
export type { Synchronous } from './adapters/sqlite/storage.js';
