import { z } from 'zod';

// A short public note with the state ("members only", "until 22:00"): one line, no control characters.
export const spaceMessage = z
  .string()
  .trim()
  .max(200, 'at most 200 characters')
  .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'one line without control characters');

export const spaceStateSchema = z.strictObject({
  open: z.boolean(),
  message: spaceMessage.optional(),
});
export type SpaceStateInput = z.infer<typeof spaceStateSchema>;
