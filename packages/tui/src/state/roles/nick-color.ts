/**
 * Nickname colours: the user's chosen colour, otherwise a stable hash of the user id over a palette with no
 * greys (greys read as "system text" and disappear on many themes), so a person keeps their colour across
 * sessions and nickname changes.
 */
export const NICK_PALETTE: readonly string[] = [
  '#e06c75',
  '#98c379',
  '#e5c07b',
  '#61afef',
  '#c678dd',
  '#56b6c2',
  '#d19a66',
  '#ff79c6',
  '#bd93f9',
  '#2aa198',
  '#a6e22e',
  '#ffb86c',
];

/** FNV-1a over the UTF-16 code units: stable across runs and platforms. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function nickColor(userId: string, chosen: string | null | undefined): string {
  if (chosen) return chosen;
  return NICK_PALETTE[hashId(userId) % NICK_PALETTE.length]!;
}
