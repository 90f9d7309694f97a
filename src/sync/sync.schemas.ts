import { z } from 'zod';

export const runsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type RunsQuery = z.infer<typeof runsQuerySchema>;

export const targetNameSchema = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a target name such as mailman');
