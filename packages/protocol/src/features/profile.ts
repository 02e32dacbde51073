import { z } from 'zod';
import { COLOR_RE, LIMITS } from '../limits.js';
import { PublicUser } from '../model.js';
import { nameProblem, textProblem } from '../text.js';
import { ev } from './envelope.js';
import { req } from './request.js';
import { rule } from './text-fields.js';

// A user's nickname, colour and private highlight words.

/** A nickname change or a colour change; also written by roles when a role is granted or revoked. */
export const events = [ev('user.updated', z.object({ user: PublicUser }))] as const;

const nick = z.string().trim().min(LIMITS.nicknameMin).max(LIMITS.nicknameMax).superRefine(rule(nameProblem));
/** One highlight word: no spaces, no invisible characters. */
const highlightWord = z
  .string()
  .trim()
  .min(2)
  .max(LIMITS.nicknameMax)
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'highlight words may contain letters, digits, _ . - only')
  .superRefine(rule(nameProblem));

const statusText = z.string().trim().min(1).max(LIMITS.statusTextMax).superRefine(rule(textProblem));

export const requests = {
  'nick.set': req({ nickname: nick }, z.object({ user: PublicUser })),
  /** A short status text beside your name (`null` clears it); others see it at once (`user.updated`). */
  'status.set': req({ text: statusText.nullable() }, z.object({ user: PublicUser })),
  /** `color: null` returns to the default hashed colour. Named colours are resolved by clients. */
  'color.set': req({ color: z.string().regex(COLOR_RE).nullable() }, z.object({ user: PublicUser })),
  /** Your private highlight words (replacing the old list; `[]` clears it). */
  'highlight.set': req(
    { words: z.array(highlightWord).max(LIMITS.highlightWordsMax) },
    z.object({ highlights: z.array(z.string()) }),
  ),
} as const;
