import type { Feature } from '../feature.js';

/**
 * Uploads and downloads, served over HTTP by the transport (transport/http-api.ts); messages carry the
 * files (`message.send` `attachments`), so the feature writes no events of its own.
 */
export const files: Feature = {
  name: 'files',
  events: [],
};
