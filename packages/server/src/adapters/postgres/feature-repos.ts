import type { PgDb } from './db.js';
import { pgFeatureRepositories } from './feature-repositories.js';
import type { FeatureRepositories } from './storage.js';

/**
 * The other features' PostgreSQL repositories (reactions, conversations, roomSettings, files, threads, search,
 * blocks, retention, accountSecurity, audit, forum, inbox, appPasswords, voice), each built on the adapter's connection. They land
 * separately; until then this build has none, and `PostgresStorage.missingRepositories()` names them (the
 * server refuses to start on PostgreSQL, a request reaching one fails naming it). Wiring them is one line
 * each here, e.g. `reactions: new PgReactionsRepo(db)`.
 */
export function featureRepositories(db: PgDb): Partial<FeatureRepositories> {
  return pgFeatureRepositories(db);
}
