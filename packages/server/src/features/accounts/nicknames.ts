import { LIMITS, NICKNAME_RE, nameProblem, ProtocolError } from '@open-discord/protocol';

const LATIN = /\p{Script=Latin}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const GREEK = /\p{Script=Greek}/u;

/**
 * Validate a requested nickname and return the form to store: NFKC-normalised, so compatibility
 * look-alikes (fullwidth letters, ligatures) are stored as the plain letters they display as. Uniqueness
 * is checked separately on `nicknameKey` (case and compatibility folded).
 *
 * Mixing Latin with Cyrillic or Greek letters in one nickname is refused: that is how `pаypal` (with a
 * Cyrillic а) passes for `paypal`. Whole-script and other look-alikes (`аӏісе`, `Օwner`) are caught by the
 * uniqueness key (text/name-key.ts: the UTS #39 confusables skeleton). Sign-up and nick.set both call this.
 */
export function checkNickname(raw: string): string {
  // Invisible and formatting characters (Hangul fillers, zero-width, bidi) are refused before and after NFKC.
  const problem = nameProblem(raw) ?? nameProblem(raw.trim().normalize('NFKC'));
  if (problem !== null) throw new ProtocolError('BAD_REQUEST', problem);
  const nickname = raw.trim().normalize('NFKC');
  if ([...nickname].length < LIMITS.nicknameMin || [...nickname].length > LIMITS.nicknameMax) {
    throw new ProtocolError('BAD_REQUEST', `nicknames are ${LIMITS.nicknameMin}–${LIMITS.nicknameMax} characters`);
  }
  if (!NICKNAME_RE.test(nickname)) {
    throw new ProtocolError('BAD_REQUEST', 'nicknames may contain letters, digits, _ . - only');
  }
  const scripts = [LATIN, CYRILLIC, GREEK].filter((re) => re.test(nickname)).length;
  if (scripts > 1) {
    throw new ProtocolError('BAD_REQUEST', 'nicknames may not mix Latin, Cyrillic and Greek letters');
  }
  return nickname;
}
