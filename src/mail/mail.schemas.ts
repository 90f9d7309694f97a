import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../auth/password-policy.js';

export const domainSchema = z.strictObject({ name: z.string().trim().min(1).max(253) });
export const mailboxSchema = z.strictObject({
  address: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  quotaMb: z.number().int().positive().max(1_000_000).nullish(),
});
export const passwordSchema = z.strictObject({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH) });
export const aliasSchema = z.strictObject({
  source: z.string().trim().min(3).max(254),
  destination: z.string().trim().min(3).max(254),
});
export const teamAddressSchema = z.strictObject({ address: z.string().trim().min(3).max(254).nullable() });
export const mailChoicesSchema = z.strictObject({
  namedAddress: z.boolean().optional(),
  pseudonymousAddress: z.boolean().optional(),
  forwardToPrivate: z.boolean().optional(),
  keepCopy: z.boolean().optional(),
});
export type MailChoicesInput = z.infer<typeof mailChoicesSchema>;
export const listQuery = z.object({
  origin: z.enum(['member', 'manual', 'group']).optional(),
  source: z.string().trim().max(254).optional(),
});
