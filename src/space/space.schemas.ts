import { z } from 'zod';
import { schemaMessage } from '../core/zod-problems.js';

// A short public note with the state ("members only", "until 22:00"): one line, no control characters.
export const spaceMessage = z
  .string()
  .trim()
  .max(200, schemaMessage.maxChars(200))
  .regex(/^[^\p{Cc}\p{Cf}]*$/u, schemaMessage.oneLine);

export const spaceStateSchema = z.strictObject({
  open: z.boolean(),
  message: spaceMessage.optional(),
});
export type SpaceStateInput = z.infer<typeof spaceStateSchema>;
