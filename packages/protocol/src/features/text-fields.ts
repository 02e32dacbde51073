import { z } from 'zod';
import { nameProblem } from '../text.js';

/** Refuse a string by one of the text rules in text.ts, with that rule's message. */
export const rule = (problem: (s: string) => string | null) => (s: string, ctx: z.RefinementCtx) => {
  const p = problem(s);
  if (p !== null) ctx.addIssue({ code: 'custom', message: p });
};

/** A room, role or category name up to `max` characters: trimmed, not empty, nothing invisible. */
export const name = (max: number) => z.string().trim().min(1).max(max).superRefine(rule(nameProblem));
