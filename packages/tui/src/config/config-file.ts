import fs from 'node:fs';
import path from 'node:path';
import { emptyPrefs, type Prefs } from '../state/prefs/prefs.js';
import { IMAGE_MODES, type ImageMode, parseImageMode } from '../images/mode.js';

/*
 * The od config file, `config.json` beside the sessions: how the chat looks (timestamp format, colours) and,
 * per server, this device's choices (/part, /mute, /ignore). People edit it by hand, so every mistake is
 * reported with where it is and what would be accepted, and od refuses to start on a broken file rather
 * than silently ignoring part of it.
 */

export interface Look {
  /** Tokens: HH (00-23), H, hh (01-12), h, mm, ss, A (AM/PM); anything else is kept as written. */
  timestampFormat: string;
  colors: { timestamp: string; ruler: string; mention: string; link: string; days: string };
}

export interface OdConfig {
  look: Look;
  /** How pictures are drawn (`kitty`, `sixel`, `iterm`, `blocks`, `off`); absent: as the terminal is detected. */
  images?: ImageMode;
  servers: Record<string, Prefs>;
}

export const DEFAULT_LOOK: Look = {
  timestampFormat: 'HH:mm',
  colors: { timestamp: 'gray', ruler: 'red', mention: 'yellow', link: 'blue', days: 'cyan' },
};

export const configPath = (dir: string) => path.join(dir, 'config.json');

const COLOR_NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'grey'];
const isColor = (v: unknown): v is string =>
  typeof v === 'string' && (/^#[0-9a-f]{6}$/i.test(v) || COLOR_NAMES.includes(v) || COLOR_NAMES.some((c) => v === `${c}Bright`));

export class ConfigError extends Error {}

function fail(file: string, where: string, what: string): never {
  throw new ConfigError(`${file}: ${where}: ${what}`);
}

/** Check a parsed config file; every problem names its place in the file. */
export function validateConfig(data: unknown, file = 'config.json'): OdConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(file, 'the file', 'must be a JSON object');
  const known = ['timestampFormat', 'colors', 'images', 'servers'];
  for (const key of Object.keys(data)) if (!known.includes(key)) fail(file, key, `unknown setting (known: ${known.join(', ')})`);
  const d = data as Record<string, unknown>;
  const look: Look = { timestampFormat: DEFAULT_LOOK.timestampFormat, colors: { ...DEFAULT_LOOK.colors } };
  if (d.timestampFormat !== undefined) {
    if (typeof d.timestampFormat !== 'string' || d.timestampFormat.length > 32 || !/(H|h|mm)/.test(d.timestampFormat)) {
      fail(file, 'timestampFormat', 'must be a short text with HH or hh and mm, e.g. "HH:mm" or "h:mm A"');
    }
    look.timestampFormat = d.timestampFormat;
  }
  if (d.colors !== undefined) {
    if (typeof d.colors !== 'object' || d.colors === null || Array.isArray(d.colors)) fail(file, 'colors', 'must be an object');
    for (const [key, value] of Object.entries(d.colors)) {
      if (!(key in look.colors)) fail(file, `colors.${key}`, `unknown colour (known: ${Object.keys(look.colors).join(', ')})`);
      if (!isColor(value)) fail(file, `colors.${key}`, `${JSON.stringify(value)} is not a colour: use a name (${COLOR_NAMES.slice(0, 8).join(', ')}, or e.g. redBright) or #rrggbb`);
      look.colors[key as keyof Look['colors']] = value;
    }
  }
  let images: ImageMode | undefined;
  if (d.images !== undefined) {
    images = parseImageMode(typeof d.images === 'string' ? d.images : undefined) ?? fail(file, 'images', `must be one of ${IMAGE_MODES.join(', ')}`);
  }
  const servers: Record<string, Prefs> = {};
  if (d.servers !== undefined) {
    if (typeof d.servers !== 'object' || d.servers === null || Array.isArray(d.servers)) fail(file, 'servers', 'must be an object of server names');
    for (const [name, value] of Object.entries(d.servers)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, `servers.${name}`, 'must be an object');
      const prefs = emptyPrefs();
      for (const [key, list] of Object.entries(value)) {
        if (!(key in prefs)) fail(file, `servers.${name}.${key}`, 'unknown setting (known: hidden, muted, ignored)');
        if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) fail(file, `servers.${name}.${key}`, 'must be a list of ids');
        prefs[key as keyof Prefs] = list as string[];
      }
      servers[name] = prefs;
    }
  }
  return { look, servers, ...(images && { images }) };
}

/** The config file, or the defaults when there is none. Throws ConfigError on a file that is not valid. */
export function loadConfig(dir: string): OdConfig {
  const file = configPath(dir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { look: DEFAULT_LOOK, servers: {} };
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return validateConfig(data, file);
}

/**
 * Save one server's choices, keeping everything else in the file as the person wrote it. Replaced
 * atomically, like the sessions file.
 */
export function saveServerPrefs(dir: string, server: string, prefs: Prefs): void {
  const file = configPath(dir);
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // No file yet (or one we refused at start, which cannot happen here): start from an empty one.
  }
  const servers = (typeof data.servers === 'object' && data.servers !== null ? data.servers : {}) as Record<string, unknown>;
  data.servers = { ...servers, [server]: prefs };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}
