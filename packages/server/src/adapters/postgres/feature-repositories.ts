import type { Repositories } from '../../ports/storage.js';
import { PgAccountSecurityRepo } from './account-security-repo.js';
import { PgAppPasswordsRepo } from './app-passwords-repo.js';
import { PgAuditRepo } from './audit-repo.js';
import { PgBlocksRepo } from './blocks-repo.js';
import { PgConversationsRepo } from './conversations-repo.js';
import { PgFilesRepo } from './files-repo.js';
import { PgForumRepo } from './forum-repo.js';
import { PgInboxRepo } from './inbox-repo.js';
import { PgReactionsRepo } from './reactions-repo.js';
import { PgRetentionRepo } from './retention-repo.js';
import { PgRoomSettingsRepo } from './room-settings-repo.js';
import { PgSearchRepo } from './search-repo.js';
import { PgThreadsRepo } from './threads-repo.js';
import { PgVoiceRepo } from './voice-repo.js';
import type { Sql } from './repo-sql.js';

/** The repositories of the features beyond the core ones (users, rooms, messages, the log…). */
export type PgFeatureRepositories = Pick<
  Repositories,
  'reactions' | 'conversations' | 'roomSettings' | 'files' | 'threads' | 'search' | 'blocks' | 'retention' | 'accountSecurity' | 'audit' | 'forum' | 'inbox' | 'appPasswords' | 'voice'
>;

/**
 * Every feature repository on the adapter's connection (PgDb): calls made inside a unit of work go to its
 * transaction, the others to the pool. Their tables: schema/features.ts.
 */
export function pgFeatureRepositories(db: Sql): PgFeatureRepositories {
  return {
    reactions: new PgReactionsRepo(db),
    conversations: new PgConversationsRepo(db),
    roomSettings: new PgRoomSettingsRepo(db),
    files: new PgFilesRepo(db),
    threads: new PgThreadsRepo(db),
    search: new PgSearchRepo(db),
    blocks: new PgBlocksRepo(db),
    retention: new PgRetentionRepo(db),
    accountSecurity: new PgAccountSecurityRepo(db),
    audit: new PgAuditRepo(db),
    forum: new PgForumRepo(db),
    inbox: new PgInboxRepo(db),
    appPasswords: new PgAppPasswordsRepo(db),
    voice: new PgVoiceRepo(db),
  };
}
