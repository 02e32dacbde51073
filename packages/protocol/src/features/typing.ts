import { z } from 'zod';
import { Id } from '../model.js';

/**
 * Typing notices: ephemeral frames, never stored, never events, no requests. Both directions' frames live
 * here with the feature; frames.ts re-exports them beside the other frames.
 */

/** Ephemeral "I am typing" signal; never stored, no reply. */
export const TypingFrame = z.object({ type: z.literal('typing'), roomId: Id });
export type TypingFrame = z.infer<typeof TypingFrame>;

export const TypingNotice = z.object({ type: z.literal('typing'), roomId: Id, userId: Id });
export type TypingNotice = z.infer<typeof TypingNotice>;
