/**
 * Where `od-server start` listens when given no options (its DEFAULTS host and port): what the first-run URL
 * prompt offers, so trying od on one machine is Enter, not typing an address.
 */
export const DEFAULT_LOCAL_SERVER = 'http://127.0.0.1:7331';
