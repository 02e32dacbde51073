import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configDir, loadSessions, pickSession, putSession, removeSession, sessionsPath } from '../src/config/sessions.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
  dirs.push(d);
  return path.join(d, 'od');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('saved sessions', () => {
  it('uses OD_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configDir({ OD_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' })).toBe('/a');
    expect(configDir({ XDG_CONFIG_HOME: '/b' })).toBe(path.join('/b', 'od'));
    expect(configDir({ HOME: '/h' })).toBe(path.join('/h', '.config', 'od'));
  });

  it('writes a 0600 file, keeps several servers and picks by name or default', () => {
    const dir = tmp();
    putSession(dir, 'home', { url: 'http://127.0.0.1:1', refreshToken: 'r1' });
    putSession(dir, 'work', { url: 'http://127.0.0.1:2', refreshToken: 'r2' });
    expect(fs.statSync(sessionsPath(dir)).mode & 0o777).toBe(0o600);
    const file = loadSessions(dir);
    expect(pickSession(file)?.name).toBe('work');
    expect(pickSession(file, 'home')?.session.refreshToken).toBe('r1');
    expect(pickSession(file, 'nope')).toBeNull();
    // A rotation rewrites the token without changing the default.
    putSession(dir, 'home', { url: 'http://127.0.0.1:1', refreshToken: 'r1b' }, false);
    expect(pickSession(loadSessions(dir))?.name).toBe('work');
    removeSession(dir, 'work');
    expect(pickSession(loadSessions(dir))).toMatchObject({ name: 'home', session: { refreshToken: 'r1b' } });
  });

  it('reports a damaged file instead of silently logging out', () => {
    const dir = tmp();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(sessionsPath(dir), '{not json');
    expect(() => loadSessions(dir)).toThrow(/not valid JSON/);
    fs.writeFileSync(sessionsPath(dir), '{"version":1}');
    expect(() => loadSessions(dir)).toThrow(/not a sessions file/);
  });
});
