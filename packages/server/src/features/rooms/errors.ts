import { ProtocolError } from '@open-discord/protocol';

/** The one answer for a room that does not exist, was deleted, or is hidden from the asker: never "forbidden". */
export const roomNotFound = () => new ProtocolError('NOT_FOUND', 'room not found');
