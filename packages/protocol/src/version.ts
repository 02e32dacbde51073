/**
 * Wire protocol version, sent in `auth` and `ready`.
 * Additions (new optional fields, new frame or event types) never bump it: receivers ignore what they
 * do not know. Only a change that breaks an existing reader does.
 */
export const PROTOCOL_VERSION = 1;
