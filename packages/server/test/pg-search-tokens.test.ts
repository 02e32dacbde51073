import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { trigramFold, tsqueryOf, tsvectorOf, wordTokens } from '../src/adapters/postgres/search-tokens.js';

/*
 * The PostgreSQL engine's search tokenises in JavaScript as SQLite's FTS5 does (search-tokens.ts over the
 * table generated from SQLite). Checked here against SQLite itself: every code point of the Basic
 * Multilingual Plane and the emoji plane between two letters, and sentences in several scripts.
 */

function sqliteTokens(texts: readonly string[]): { words: string[][]; tris: string[][] } {
  const db = new Database(':memory:');
  try {
    db.exec(`
      CREATE VIRTUAL TABLE w USING fts5(text, tokenize='unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE wv USING fts5vocab(w, 'instance');
      CREATE VIRTUAL TABLE t USING fts5(text, tokenize='trigram');
      CREATE VIRTUAL TABLE tv USING fts5vocab(t, 'instance');
    `);
    const insW = db.prepare('INSERT INTO w (rowid, text) VALUES (?, ?)');
    const insT = db.prepare('INSERT INTO t (rowid, text) VALUES (?, ?)');
    db.transaction(() => texts.forEach((s, i) => (insW.run(i + 1, s), insT.run(i + 1, s))))();
    const words: string[][] = texts.map(() => []);
    for (const r of db.prepare('SELECT doc, term FROM wv ORDER BY doc, offset').iterate() as Iterable<{ doc: number; term: string }>) words[r.doc - 1]!.push(r.term);
    const tris: string[][] = texts.map(() => []);
    for (const r of db.prepare('SELECT doc, term FROM tv ORDER BY doc, offset').iterate() as Iterable<{ doc: number; term: string }>) tris[r.doc - 1]!.push(r.term);
    return { words, tris };
  } finally {
    db.close();
  }
}

/** The trigrams FTS5 makes of text it has folded: every run of three characters. */
const trigramsOf = (folded: string): string[] => {
  const cs = [...folded];
  return cs.slice(0, Math.max(0, cs.length - 2)).map((_, i) => cs.slice(i, i + 3).join(''));
};

describe('search tokens as SQLite makes them', () => {
  it('splits and folds every code point of the BMP and the emoji plane as unicode61 and trigram do', () => {
    const texts: string[] = [];
    for (let c = 1; c < 0x20000; c++) {
      if ((c >= 0xd800 && c < 0xe000) || (c >= 0x10000 && c < 0x1f000)) continue;
      texts.push(`a${String.fromCodePoint(c)}b`);
    }
    const ref = sqliteTokens(texts);
    const wrongWords = texts.filter((s, i) => JSON.stringify(wordTokens(s)) !== JSON.stringify(ref.words[i]));
    const wrongTris = texts.filter((s, i) => JSON.stringify(trigramsOf(trigramFold(s))) !== JSON.stringify([...new Set(ref.tris[i])]));
    expect(wrongWords.slice(0, 5)).toEqual([]);
    expect(wrongTris.slice(0, 5)).toEqual([]);
    // The probe is not vacuous: separators, folds and dropped marks all occur.
    expect(wordTokens('a-b')).toEqual(['a', 'b']);
    expect(wordTokens('ÉCOLE e\u0301cole')).toEqual(['ecole', 'ecole']);
  });

  it('tokenises sentences in several scripts alike', () => {
    const texts = [
      "Deploy the new build today; it's ready — e-mail me at ann@example.com",
      'École naïve café Straße ẞ ΣΊΣΥΦΟΣ σίσυφος ĳssel ǅemal',
      '東京タワーに行きました。hello世界 한국어 텍스트',
      'foo_bar x.y 3.14 v2 ①② ＡＢＣ 😀x™y',
      'Привет, мир! йогурт ёлка',
    ];
    const ref = sqliteTokens(texts);
    texts.forEach((s, i) => expect(wordTokens(s)).toEqual(ref.words[i]));
  });

  it('writes tsvector and tsquery literals that keep positions and never turn text into syntax', () => {
    expect(tsvectorOf("it's a b a")).toBe("'it':1 's':2 'a':3,5 'b':4");
    expect(tsqueryOf('e-mail', false)).toBe("'e' <-> 'mail'");
    expect(tsqueryOf('deploy', true)).toBe("'deploy':*");
    expect(tsqueryOf('!!', false)).toBeNull();
    // A lexeme over PostgreSQL's 2047 bytes is cut, alike in the index and the query.
    const long = '東'.repeat(1000);
    expect(Buffer.byteLength(tsvectorOf(long))).toBeLessThan(2100);
    expect(tsvectorOf(long).startsWith(tsqueryOf(long, false)!)).toBe(true);
  });
});
