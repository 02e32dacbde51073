import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `~` and `~/…` are the home folder (a shell would expand them; a typed command line does not). */
export function expandHome(p: string, home = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

/**
 * Where downloads go: XDG_DOWNLOAD_DIR (from the environment, else from user-dirs.dirs, as desktop file
 * managers read it), else ~/Downloads.
 */
export function downloadDir(env: Record<string, string | undefined> = process.env, home = os.homedir()): string {
  const expand = (v: string) => v.replace(/^"|"$/g, '').replace(/^\$HOME(?=\/|$)/, home);
  if (env.XDG_DOWNLOAD_DIR) return expand(env.XDG_DOWNLOAD_DIR);
  const config = env.XDG_CONFIG_HOME || path.join(home, '.config');
  try {
    const text = fs.readFileSync(path.join(config, 'user-dirs.dirs'), 'utf8');
    const m = /^XDG_DOWNLOAD_DIR=(.+)$/m.exec(text);
    if (m) return expand(m[1]!.trim());
  } catch {
    // No user-dirs file: the usual folder.
  }
  return path.join(home, 'Downloads');
}

/** `name`, or `name (2)`, `name (3)`… before its extension: the first that does not exist in `dir`. */
export function freePath(dir: string, name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 1; ; i++) {
    const candidate = path.join(dir, i === 1 ? name : `${stem} (${i})${ext}`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}
