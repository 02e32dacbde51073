/*
 * Column types shared by the schema files. Text compares byte by byte (COLLATE "C") as in SQLite, so
 * `ORDER BY id` sorts the same on both engines whatever the database's locale. Orders and times are BIGINT;
 * flags stay INTEGER 0/1 as in SQLite, so repositories translate query for query.
 */
export const TEXT = 'TEXT COLLATE "C"';
