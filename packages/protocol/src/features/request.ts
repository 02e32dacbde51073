import { z } from 'zod';

/**
 * One request type: its params (the frame minus `id` and `type`) and its result. Params are strict: a field
 * the server does not know is refused (BAD_REQUEST), never silently ignored, so a newer client's field that
 * changes what a request does cannot be dropped by an older server.
 */
export const req = <P extends z.ZodRawShape, R extends z.ZodTypeAny>(params: P, result: R) => ({
  params: z.strictObject(params),
  result,
});

/** The result of requests that answer nothing but success. */
export const Ok = z.object({ ok: z.literal(true) });
