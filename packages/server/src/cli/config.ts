import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DB_FILE } from '../adapters/sqlite/db.js';
import { SqliteStorage } from '../adapters/sqlite/storage.js';
import type { ServerOptions } from '../app.js';
import { DEFAULTS, MESSAGE_BURST_FACTOR, READ_BURST_FACTOR, type Rate } from '../defaults.js';
import { WRITE_KINDS, type WriteKind } from '../core/write-limits.js';
import { LIMITS } from '@open-discord/protocol';
import { pickLog } from '../log.js';

/** A bad knob value: reported as one line, exit code 2. */
export class ConfigError extends Error {}

/** Every `start` knob: flag name, env var, config-file key, default (from defaults.ts) and how to parse it. */
interface Knob {
  flag: string;
  env: string;
  key: string;
  help: string;
  default: string;
  parse: (raw: string, name: string) => unknown;
}

function int(min: number, max: number) {
  return (raw: string, name: string): number => {
    const n = Number(raw);
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(`invalid ${name} "${raw}": expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

function oneOf<T extends string>(...values: T[]) {
  return (raw: string, name: string): T => {
    if (!(values as string[]).includes(raw)) throw new ConfigError(`invalid ${name} "${raw}": expected one of ${values.join(', ')}`);
    return raw as T;
  };
}

/** A PostgreSQL connection URL (checked for its scheme only: the server reports what it cannot reach). */
function pgUrl(raw: string, name: string): string {
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new ConfigError(`invalid ${name}: a PostgreSQL URL (postgres://user@host:port/database)`);
  return raw;
}

function origins(raw: string, name: string): string[] {
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new ConfigError(`invalid ${name} "${o}": expected an origin like https://chat.example`);
  }
  return list;
}

/**
 * `--rate-limits`: comma-separated `kind=RATE[/BURST]` (a rate per second, decimals allowed; the burst
 * defaults to twice the rate, at least 1) or `kind=off`. Kinds not named keep their defaults.
 */
function writeRateList(raw: string, name: string): Partial<Record<WriteKind, Rate | null>> {
  const out: Partial<Record<WriteKind, Rate | null>> = {};
  for (const item of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)=(?:(off)|(\d+(?:\.\d+)?)(?:\/(\d+))?)$/.exec(item);
    if (!m) throw new ConfigError(`invalid ${name} "${item}": expected kind=RATE[/BURST] or kind=off, e.g. reaction=10/30`);
    const kind = m[1] as WriteKind;
    if (!WRITE_KINDS.includes(kind)) throw new ConfigError(`invalid ${name} "${item}": unknown kind "${m[1]}"; kinds: ${WRITE_KINDS.join(', ')}`);
    if (m[2]) {
      out[kind] = null;
      continue;
    }
    const perSec = Number(m[3]);
    const burst = m[4] === undefined ? Math.max(1, Math.ceil(perSec * MESSAGE_BURST_FACTOR)) : Number(m[4]);
    if (!(perSec > 0) || perSec > 100_000 || burst < 1 || burst > 1_000_000) {
      throw new ConfigError(`invalid ${name} "${item}": the rate must be above 0 and at most 100000, the burst from 1 to 1000000 (or kind=off)`);
    }
    out[kind] = { perSec, burst };
  }
  return out;
}

const showRates = (rates: Readonly<Record<WriteKind, Rate | null>>) =>
  WRITE_KINDS.map((k) => `${k}=${rates[k] ? `${rates[k]!.perSec}/${rates[k]!.burst}` : 'off'}`).join(',');

/** A PEM file read at start, so a wrong path is one clear line instead of a failed handshake later. */
function pemFile(raw: string, name: string): { file: string; pem: Buffer } {
  let pem: Buffer;
  try {
    pem = fs.readFileSync(raw);
  } catch (error) {
    throw new ConfigError(`invalid ${name} "${raw}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read it'}`);
  }
  if (!pem.toString('latin1').includes('-----BEGIN ')) throw new ConfigError(`invalid ${name} "${raw}": not a PEM file`);
  return { file: raw, pem };
}

/** How long a deleted account's names stay held ("90d", "12w", "0d"), in seconds. */
function nameHold(raw: string, name: string): number {
  const m = /^(\d{1,5})([hdw])$/.exec(raw.trim());
  if (!m) throw new ConfigError(`${name}: a duration such as 90d, 12w or 48h`);
  return Number(m[1]) * { h: 3600, d: 86_400, w: 7 * 86_400 }[m[2] as 'h' | 'd' | 'w'];
}

/** A retention period ("30d", "52w", "12h") in seconds, or none ("off", "none", "forever"): null. */
function retention(raw: string, name: string): number | null {
  if (/^(off|none|forever)$/i.test(raw.trim())) return null;
  const sec = parseDuration(raw, name) / 1000;
  if (sec < LIMITS.retentionMinSec || sec > LIMITS.retentionMaxSec) {
    throw new ConfigError(`invalid ${name} "${raw}": between 1h and 520w, or off`);
  }
  return sec;
}

/** "HOST:PORT", ":PORT" (the --host address) or "[::1]:PORT" → where a listener binds. */
function hostPort(raw: string, name: string): { host: string | null; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(raw.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) throw new ConfigError(`invalid ${name} "${raw}": expected HOST:PORT, e.g. 127.0.0.1:6667 or :6697`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? null : host, port };
}

export const KNOBS: readonly Knob[] = [
  { flag: 'port', env: 'OD_PORT', key: 'port', help: 'TCP port (0 = any free port)', default: String(DEFAULTS.port), parse: int(0, 65535) },
  { flag: 'host', env: 'OD_HOST', key: 'host', help: 'address to listen on', default: DEFAULTS.host, parse: (s) => s },
  { flag: 'registration', env: 'OD_REGISTRATION', key: 'registration', help: 'who may sign up: invite | open | closed', default: DEFAULTS.registration, parse: oneOf('invite', 'open', 'closed') },
  { flag: 'database', env: 'OD_DATABASE_URL', key: 'database', help: 'PostgreSQL URL (postgres://…) to run on instead of the SQLite file in the data folder', default: 'none', parse: pgUrl },
  { flag: 'synchronous', env: 'OD_SYNCHRONOUS', key: 'synchronous', help: 'SQLite durability: full (power-loss safe) | normal', default: DEFAULTS.synchronous, parse: oneOf('full', 'normal') },
  { flag: 'max-connections-per-ip', env: 'OD_MAX_CONNECTIONS_PER_IP', key: 'maxConnectionsPerIp', help: 'WebSocket connections per address', default: String(DEFAULTS.maxConnectionsPerIp), parse: int(1, 100_000) },
  { flag: 'max-connections-per-user', env: 'OD_MAX_CONNECTIONS_PER_USER', key: 'maxConnectionsPerUser', help: 'WebSocket connections per user', default: String(DEFAULTS.maxConnectionsPerUser), parse: int(1, 1000) },
  { flag: 'message-rate', env: 'OD_MESSAGE_RATE', key: 'messageRate', help: `messages per second per user, burst ${MESSAGE_BURST_FACTOR} times that (0 = unlimited; other writes: --rate-limits)`, default: String(DEFAULTS.messageRate?.perSec ?? 0), parse: int(0, 100_000) },
  { flag: 'read-rate', env: 'OD_READ_RATE', key: 'readRate', help: `read cost per second per user (sync and state 20, history 5, others 1), burst ${READ_BURST_FACTOR} times that (0 = unlimited)`, default: String(DEFAULTS.readRate?.perSec ?? 0), parse: int(0, 1_000_000) },
  { flag: 'auth-rate', env: 'OD_AUTH_RATE', key: 'authRate', help: 'logins and signups per second per address (HTTP and IRC), burst ten times that (0 = unlimited)', default: String(DEFAULTS.authRate?.perSec ?? 0), parse: int(0, 100_000) },
  { flag: 'bcrypt-cost', env: 'OD_BCRYPT_COST', key: 'bcryptCost', help: 'bcrypt cost factor for new password hashes', default: String(DEFAULTS.bcryptCost), parse: int(4, 15) },
  { flag: 'access-token-ttl', env: 'OD_ACCESS_TOKEN_TTL', key: 'accessTokenTtlSec', help: 'access token lifetime in seconds', default: String(DEFAULTS.accessTokenTtlSec), parse: int(30, 86_400) },
  { flag: 'snapshot-threshold', env: 'OD_SNAPSHOT_THRESHOLD', key: 'snapshotThreshold', help: 'resume further behind than this many events loads a snapshot instead', default: String(DEFAULTS.snapshotThreshold), parse: int(100, 10_000_000) },
  { flag: 'rate-limits', env: 'OD_RATE_LIMITS', key: 'rateLimits', help: `per-user buckets by kind of write, kind=RATE[/BURST] (per second) or kind=off, comma-separated; a message= here wins over --message-rate. Defaults: ${showRates(DEFAULTS.writeRates)}`, default: 'none', parse: writeRateList },
  { flag: 'max-upload-mb', env: 'OD_MAX_UPLOAD_MB', key: 'maxUploadMb', help: 'largest file upload in MiB', default: String(DEFAULTS.maxUploadBytes / (1024 * 1024)), parse: int(1, 4096) },
  { flag: 'upload-quota-mb', env: 'OD_UPLOAD_QUOTA_MB', key: 'uploadQuotaMb', help: 'MiB one user may upload in any 24 hours (0 = no quota)', default: String((DEFAULTS.uploadQuotaBytes ?? 0) / (1024 * 1024)), parse: int(0, 10_000_000) },
  { flag: 'retention', env: 'OD_RETENTION', key: 'retention', help: 'delete messages older than this, e.g. 30d (rooms may set their own); off keeps them forever', default: 'off', parse: retention },
  { flag: 'deleted-messages', env: 'OD_DELETED_MESSAGES', key: 'deletedMessages', help: "what happens to a deleted account's messages in shared rooms when its user does not choose: erase | keep (under \"deleted user\")", default: DEFAULTS.accountDeletion.defaultMessages, parse: oneOf('erase', 'keep') },
  { flag: 'name-hold', env: 'OD_NAME_HOLD', key: 'nameHold', help: "how long a deleted account's username and nickname stay taken, e.g. 90d", default: `${DEFAULTS.accountDeletion.nameHoldSec / 86_400}d`, parse: nameHold },
  { flag: 'tls-cert', env: 'OD_TLS_CERT', key: 'tlsCert', help: 'PEM certificate chain file: serve https:// and wss:// (needs --tls-key)', default: 'none', parse: pemFile },
  { flag: 'tls-key', env: 'OD_TLS_KEY', key: 'tlsKey', help: 'PEM private key file for --tls-cert', default: 'none', parse: pemFile },
  { flag: 'irc', env: 'OD_IRC', key: 'irc', help: 'IRC gateway listener HOST:PORT (plain text; see docs/irc.md)', default: 'none', parse: hostPort },
  { flag: 'irc-tls', env: 'OD_IRC_TLS', key: 'ircTls', help: 'IRC gateway TLS listener HOST:PORT (needs --tls-cert and --tls-key)', default: 'none', parse: hostPort },
  { flag: 'irc-flood', env: 'OD_IRC_FLOOD', key: 'ircFlood', help: 'IRC lines per second per connection after a burst of four times that (fakelag; 0 = none, e.g. for trusted bots)', default: String(DEFAULTS.irc.flood.perSec), parse: int(0, 1_000_000) },
  { flag: 'log', env: 'OD_LOG', key: 'log', help: 'log format: human (on a terminal) | json (one object per line) | auto = human on a terminal, else json', default: 'auto', parse: oneOf('auto', 'human', 'json') },
  { flag: 'allowed-origin', env: 'OD_ALLOWED_ORIGINS', key: 'allowedOrigins', help: 'browser origins allowed to open a WebSocket (env: comma-separated)', default: 'none', parse: origins },
];

/**
 * The data folder does not depend on the current directory, so `od-server invite create` run from any
 * folder finds the running server's database: $XDG_DATA_HOME/od-server, else ~/.local/share/od-server.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'od-server');
}

/** --data-dir, else OD_DATA_DIR, else the default above. */
export function dataDirFrom(flag: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== null && String(flag) !== '') return String(flag);
  if (env.OD_DATA_DIR) return env.OD_DATA_DIR;
  return defaultDataDir(env);
}

/**
 * Admin commands act on an existing server's data and never create one: run in the wrong place they
 * would otherwise make a fresh empty database and print an invite the running server rejects.
 */
export function openExistingStorage(dataDir: string): SqliteStorage {
  const file = path.join(dataDir, DB_FILE);
  if (!fs.existsSync(file)) {
    // Not a bad flag (exit 2) but a missing server: a plain error, exit 1.
    throw new Error(
      `no od-server database in ${path.resolve(dataDir)} (start the server first, or point --data-dir / OD_DATA_DIR at its data folder)`,
    );
  }
  return SqliteStorage.open(dataDir);
}

export const CONFIG_FILE = 'config.json';

/**
 * The data folder of an operator command (invites, users, backup, stats…). These work on the SQLite file; on a
 * community that lives in PostgreSQL they refuse plainly rather than act on a folder the server does not use.
 */
export function operatorDataDir(flag: unknown, env: NodeJS.ProcessEnv): string {
  const dir = dataDirFrom(flag, env);
  if (databaseFrom(undefined, dir, env) !== null) {
    throw new ConfigError('this command is not supported on PostgreSQL yet (the community is in the database OD_DATABASE_URL or config.json names)');
  }
  return dir;
}

/** The PostgreSQL URL `start` would use (flag > OD_DATABASE_URL > config.json), or null for SQLite. */
export function databaseFrom(flag: string | undefined, dataDir: string, env: NodeJS.ProcessEnv): string | null {
  if (flag !== undefined) return pgUrl(flag, '--database');
  if (env.OD_DATABASE_URL) return pgUrl(env.OD_DATABASE_URL, 'OD_DATABASE_URL');
  const file = readConfigFile(dataDir).database;
  return file === undefined ? null : pgUrl(String(file), `${CONFIG_FILE} database`);
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Read `<dataDir>/config.json` (optional): keys are the camelCase knob names. */
function readConfigFile(dataDir: string): Record<string, unknown> {
  const file = path.join(dataDir, CONFIG_FILE);
  if (!fs.existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new ConfigError(`${file} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ConfigError(`${file} must hold a JSON object`);
  const known = new Set(KNOBS.map((k) => k.key));
  for (const key of Object.keys(parsed)) if (!known.has(key)) throw new ConfigError(`${file}: unknown setting "${key}"`);
  return parsed as Record<string, unknown>;
}

/** The server's default retention as `start` would resolve it (flag > env > config.json > off), in seconds. */
export function resolveRetention(flag: string | undefined, dataDir: string, env: NodeJS.ProcessEnv): number | null {
  if (flag !== undefined) return retention(flag, '--retention');
  if (env.OD_RETENTION) return retention(env.OD_RETENTION, 'OD_RETENTION');
  const v = readConfigFile(dataDir).retention;
  return v === undefined ? null : retention(String(v), `${CONFIG_FILE} retention`);
}

/** Flags > env (OD_*) > <data-dir>/config.json > defaults. */
export function resolveStartOptions(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): ServerOptions {
  const dataDir = dataDirFrom(flags.dataDir, env);
  const file = readConfigFile(dataDir);
  const values: Record<string, unknown> = {};
  for (const k of KNOBS) {
    const flag = flags[camel(k.flag)];
    const name = `--${k.flag}`;
    if (flag !== undefined) values[k.key] = k.parse(Array.isArray(flag) ? flag.join(',') : String(flag), name);
    else if (env[k.env] !== undefined && env[k.env] !== '') values[k.key] = k.parse(env[k.env]!, k.env);
    else if (file[k.key] !== undefined) {
      const v = file[k.key];
      values[k.key] = k.parse(Array.isArray(v) ? v.join(',') : String(v), `${CONFIG_FILE} ${k.key}`);
    } else if (k.default !== 'none') values[k.key] = k.parse(k.default, name);
  }
  const cert = values.tlsCert as { pem: Buffer } | undefined;
  const key = values.tlsKey as { pem: Buffer } | undefined;
  if ((cert === undefined) !== (key === undefined)) throw new ConfigError('--tls-cert and --tls-key go together: give both or neither');
  type Listen = { host: string | null; port: number } | undefined;
  const ircPlain = values.irc as Listen;
  const ircTls = values.ircTls as Listen;
  if (ircTls && !(cert && key)) throw new ConfigError('--irc-tls needs --tls-cert and --tls-key');
  const at = (l: NonNullable<Listen>) => ({ host: l.host ?? (values.host as string), port: l.port });
  const floodRate = values.ircFlood as number;
  const flood = floodRate === 0 ? { burst: 1e9, perSec: 1e9, maxQueued: 1e9 } : { burst: 4 * floodRate, perSec: floodRate, maxQueued: 40 * floodRate };
  const rate = values.messageRate as number;
  const readRate = values.readRate as number;
  const writeRates = (values.rateLimits as Partial<Record<WriteKind, Rate | null>> | undefined) ?? {};
  const quotaMb = values.uploadQuotaMb as number;
  return {
    dataDir,
    host: values.host as string,
    port: values.port as number,
    registration: values.registration as ServerOptions['registration'],
    synchronous: values.synchronous as ServerOptions['synchronous'],
    maxConnectionsPerIp: values.maxConnectionsPerIp as number,
    maxConnectionsPerUser: values.maxConnectionsPerUser as number,
    messageRate: writeRates.message !== undefined ? writeRates.message : rate === 0 ? null : { perSec: rate, burst: rate * MESSAGE_BURST_FACTOR },
    writeRates,
    readRate: readRate === 0 ? null : { perSec: readRate, burst: readRate * READ_BURST_FACTOR },
    bcryptCost: values.bcryptCost as number,
    authRate: (values.authRate as number) === 0 ? null : { perSec: values.authRate as number, burst: (values.authRate as number) * 10 },
    accessTokenTtlSec: values.accessTokenTtlSec as number,
    snapshotThreshold: values.snapshotThreshold as number,
    maxUploadBytes: (values.maxUploadMb as number) * 1024 * 1024,
    uploadQuotaBytes: quotaMb === 0 ? null : quotaMb * 1024 * 1024,
    retentionSec: values.retention as number | null,
    accountDeletion: { defaultMessages: values.deletedMessages as 'erase' | 'keep', nameHoldSec: values.nameHold as number },
    allowedOrigins: (values.allowedOrigins as string[] | undefined) ?? [],
    ...(values.database !== undefined && { database: values.database as string }),
    ...(cert && key && { tls: { cert: cert.pem, key: key.pem } }),
    ...((ircPlain || ircTls) && { irc: { flood, ...(ircPlain && { listen: at(ircPlain) }), ...(ircTls && { tlsListen: at(ircTls) }) } }),
    log: pickLog(values.log as 'auto' | 'human' | 'json', process.stderr.isTTY === true),
  };
}

/** "7d", "12h", "30m", "45s" → milliseconds. */
export function parseDuration(raw: string, name: string): number {
  const m = /^(\d+)\s*([smhdw])$/.exec(raw.trim());
  if (!m) throw new ConfigError(`invalid ${name} "${raw}": expected a duration like 30m, 12h or 7d`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  const ms = Number(m[1]) * unit;
  if (ms <= 0 || !Number.isSafeInteger(ms)) throw new ConfigError(`invalid ${name} "${raw}": must be positive`);
  return ms;
}

export { int as parseIntRange };
