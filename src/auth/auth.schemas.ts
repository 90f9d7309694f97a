import { z } from 'zod';
import { schemaMessage } from '../core/zod-problems.js';
import { SCOPES } from '../core/actor.js';
import { linkKeySchema } from '../members/registration.schemas.js';
import { PASSWORD_MAX_LENGTH } from './password-policy.js';

export const loginSchema = z.strictObject({
  // Username or private e-mail.
  login: z.string().trim().min(1, schemaMessage.empty).max(254),
  password: z.string().min(1, schemaMessage.empty).max(1024),
});

export const tokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(SCOPES)).min(1),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export const resetRequestSchema = z.strictObject({
  // Username or private e-mail.
  login: z.string().trim().min(1, schemaMessage.empty).max(254),
});

export const resetLinkSchema = z.strictObject({ memberId: z.number().int().positive(), key: linkKeySchema });

export const resetConfirmSchema = resetLinkSchema.extend({
  password: z.string().min(1, schemaMessage.empty).max(PASSWORD_MAX_LENGTH),
});
