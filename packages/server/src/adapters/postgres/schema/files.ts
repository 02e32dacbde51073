import { TEXT } from './types.js';

/** Uploaded files (blobs named by sha256) and the messages that carry them. */
export const FILES_SCHEMA = `
  CREATE TABLE files (
    id ${TEXT} PRIMARY KEY,
    sha256 ${TEXT} NOT NULL,
    uploader_id ${TEXT} NOT NULL REFERENCES users(id),
    name ${TEXT} NOT NULL,
    size BIGINT NOT NULL,
    mime ${TEXT} NOT NULL,
    width INTEGER,
    height INTEGER,
    thumb INTEGER NOT NULL DEFAULT 0,
    preview TEXT,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX files_uploader ON files(uploader_id);
  -- Retention and account deletion ask whether a blob is still used.
  CREATE INDEX files_sha256 ON files(sha256);
  CREATE TABLE message_files (
    message_id ${TEXT} NOT NULL REFERENCES messages(id),
    file_id ${TEXT} NOT NULL REFERENCES files(id),
    PRIMARY KEY (message_id, file_id)
  );
  CREATE INDEX message_files_file ON message_files(file_id);
`;
