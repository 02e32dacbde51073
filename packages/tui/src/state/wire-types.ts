/*
 * The wire types the store is built from, re-exported in one place so that state code depends on the protocol
 * package's schemas and the client's public types (never on the socket client itself).
 */
export type {
  Category,
  ClientEvent,
  ConnectionStatus as ConnectionStatusLike,
  ErrorBody,
  Me,
  Message,
  Permission,
  PublicUser,
  Role,
  Room,
  SnapshotReason,
  StateResult,
} from '@open-discord/protocol';
