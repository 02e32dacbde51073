import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type EventType, KnownEvent } from '@open-discord/protocol';
import { FEATURES, visibilityEvents, viewerEvents } from '../src/features/index.js';

/** The layering rules of docs/architecture.md, checked on the sources. */
const src = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir = src): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return d.name.endsWith('.ts') ? [p] : [];
  });
}

const files = sources().map((p) => ({ rel: path.relative(src, p).split(path.sep).join('/'), text: fs.readFileSync(p, 'utf8') }));

/** Module specifiers a file imports (static, dynamic and type-only). */
function imports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

const importers = (pred: (spec: string) => boolean) => files.filter((f) => imports(f.text).some(pred)).map((f) => f.rel);

describe('layering', () => {
  it('finds the imports it polices (the checks below are not vacuous)', () => {
    expect(importers((s) => s === 'better-sqlite3').length).toBeGreaterThan(0);
    expect(importers((s) => s === 'ws').length).toBeGreaterThan(0);
  });

  it('only the SQLite adapter imports better-sqlite3', () => {
    expect(importers((s) => s === 'better-sqlite3').filter((f) => !f.startsWith('adapters/sqlite/'))).toEqual([]);
  });

  it('only the PostgreSQL adapter imports pg', () => {
    expect(importers((s) => s === 'pg' || s.startsWith('pg/')).filter((f) => !f.startsWith('adapters/postgres/'))).toEqual([]);
  });

  it('only the transport imports ws', () => {
    expect(importers((s) => s === 'ws' || s.startsWith('ws/')).filter((f) => !f.startsWith('transport/'))).toEqual([]);
  });

  it('features, core, ports and sessions never reach into an adapter or the transport', () => {
    const inner = files.filter((f) => /^(features|core|ports|session|wire)\//.test(f.rel));
    const bad = inner.filter((f) => imports(f.text).some((s) => /\/(adapters|transport)\//.test(s))).map((f) => f.rel);
    expect(bad).toEqual([]);
  });

  it('wire JSON is built only by the encoder; the session layer never parses a payload by hand', () => {
    // The storage adapters store a few list columns as JSON; the log line writer and the operator's status file are not wire.
    const allowed = (rel: string) =>
      rel === 'wire/encode.ts' || rel.startsWith('adapters/sqlite/') || rel.startsWith('adapters/postgres/') || rel === 'log.ts' || rel === 'ops/status-file.ts';
    expect(files.filter((f) => !allowed(f.rel) && /JSON\.stringify\(/.test(f.text)).map((f) => f.rel)).toEqual([]);
    expect(files.filter((f) => f.rel.startsWith('session/') && /JSON\.parse\(/.test(f.text)).map((f) => f.rel)).toEqual([]);
  });
});

describe('feature declarations', () => {
  it('every protocol event type is written by some feature', () => {
    const declared = new Set(FEATURES.flatMap((f) => f.events));
    const all = KnownEvent.options.map((o) => o.shape.type.value) as EventType[];
    expect(all.filter((t) => !declared.has(t))).toEqual([]);
  });

  it('visibility events are events their feature writes, and are the ones that change who sees what', () => {
    for (const f of FEATURES) for (const t of f.visibilityEvents ?? []) expect(f.events).toContain(t);
    expect([...visibilityEvents()].sort()).toEqual(
      ['access.changed', 'role.created', 'role.deleted', 'role.updated', 'room.created', 'room.deleted', 'room.joined', 'room.left', 'room.updated', 'user.joined', 'user.removed'],
    );
  });

  it('room events that reach every viewer (joined or not) are the room metadata, declared by their writers', () => {
    for (const f of FEATURES) for (const t of f.viewerEvents ?? []) expect(f.events).toContain(t);
    expect([...viewerEvents()].sort()).toEqual(['room.created', 'room.deleted', 'room.joined', 'room.left', 'room.updated']);
  });
});
