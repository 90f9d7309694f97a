import { z } from 'zod';
import { SCOPES } from '../core/actor.js';

export const loginSchema = z.strictObject({
  // Username or private e-mail.
  login: z.string().trim().min(1, 'must not be empty').max(254),
  password: z.string().min(1, 'must not be empty').max(1024),
});

export const tokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(SCOPES)).min(1),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
