/**
 * The uniqueness key of a nickname. Two nicknames with the same key may not coexist, so nobody can pass
 * as someone else by case (`Alice`/`alice`), by compatibility forms (fullwidth `Ａlice`, ligatures, the
 * Kelvin sign) or by case-folding quirks (`ß`/`ss`, final sigma, dotless i). NFKC first folds
 * compatibility characters; upper-then-lower case approximates Unicode full case folding; the second NFKC
 * re-composes what case mapping decomposed.
 */
export function nicknameKey(nickname: string): string {
  return nickname.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
