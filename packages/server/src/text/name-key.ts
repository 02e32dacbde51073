import { skeleton } from './confusables.js';

const MARKS = /\p{M}/gu;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The uniqueness key of a name (nicknames, room, role and category names). Two names with the same key
 * may not coexist, so nobody passes as someone else by:
 *  - compatibility forms (fullwidth `ａｂｃ`, the ligature `ﬁ`): NFKC;
 *  - look-alike characters from any script (`Օwner`, `Ꮎwner`, `Owneꭇ`, `аӏісе`, `aIice`, `rn`/`m`): the
 *    UTS #39 confusables skeleton, before and after case folding (a capital's and a small letter's
 *    look-alikes differ);
 *  - case (`Alice`/`alice`, `Straße`/`STRASSE`): upper-then-lower case approximates full case folding;
 *  - accents and overlays (`alicé`/`alice`, Cherokee `Ꮎ` = O with a stroke): combining marks are dropped;
 *  - invisible characters (names refuse them; dropped here too, for names stored before that rule);
 *  - `i`, `I` and `l`: case folding joins I and i, the skeleton joins I and l, so all three are one letter.
 * It is a key, never shown.
 */
export function nameKey(name: string): string {
  let s = skeleton(name.normalize('NFKC'));
  s = s.toUpperCase().toLowerCase().normalize('NFKC');
  s = skeleton(s).toLowerCase();
  return s.replace(MARKS, '').replace(IGNORABLE, '').replace(/i/g, 'l').normalize('NFC');
}
