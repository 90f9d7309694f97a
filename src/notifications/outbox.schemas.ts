import { z } from 'zod';
import { paginationSchema } from '../core/pagination.js';
import { OUTBOX_STATES } from './entities/outbox-mail.entity.js';

export const outboxQuerySchema = z.strictObject({
  state: z.enum(OUTBOX_STATES).optional(),
  ...paginationSchema.shape,
});
export type OutboxQuery = z.infer<typeof outboxQuerySchema>;
