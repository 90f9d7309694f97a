import { z } from 'zod';
import { schemaMessage } from '../core/zod-problems.js';
import { paginationSchema } from '../core/pagination.js';
import { MEMBER_STATES } from './entities/member.entity.js';

// No control characters in names: they break CSV, mail headers and LDAP DNs later on.
const name = (max: number) =>
  z
    .string()
    .trim()
    .min(1, schemaMessage.empty)
    .max(max, schemaMessage.maxChars(max))
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, schemaMessage.control);

export const memberNumberSchema = z
  .string()
  .trim()
  .regex(/^\S*$/, schemaMessage.spaces)
  .regex(/^[0-9A-Za-z][0-9A-Za-z-]{0,31}$/, schemaMessage.memberNumber);

export const emailSchema = z
  .string()
  .trim()
  .max(254, schemaMessage.maxChars(254))
  .pipe(z.email(schemaMessage.email))
  .transform((s) => s.toLowerCase());

const isoDate = z.iso.date(schemaMessage.date);
const language = z.enum(['de', 'en']);

export const intakeSchema = z.strictObject({
  memberNumber: memberNumberSchema.nullish(),
  firstName: name(100),
  lastName: name(100),
  privateEmail: emailSchema.nullish(),
  language: language.nullish(),
  status: z.string().trim().min(1).max(32).optional(),
  since: isoDate.optional(),
  groups: z.array(z.string().trim().min(1).max(64)).max(50).optional(),
  // Through the API the welcome mail goes out unless this is false (e.g. to add an e-mail later).
  sendWelcome: z.boolean().optional(),
});
export type IntakeInput = z.infer<typeof intakeSchema>;

export const updateSchema = z.strictObject({
  // Optimistic locking: a stale version answers 409 instead of overwriting someone's change.
  version: z.number().int().positive().optional(),
  memberNumber: memberNumberSchema.nullish(),
  firstName: name(100).optional(),
  lastName: name(100).optional(),
  displayName: name(201).optional(),
  privateEmail: emailSchema.nullish(),
  language: language.nullish(),
  profile: z.record(z.string().min(1).max(64), z.string().max(2000).nullable()).optional(),
});
export type UpdateInput = z.infer<typeof updateSchema>;

export const statusChangeSchema = z.strictObject({
  status: z.string().trim().min(1, schemaMessage.empty).max(32, schemaMessage.maxChars(32)),
  begin: isoDate.optional(),
});

export const stateChangeSchema = z.strictObject({
  state: z.enum(MEMBER_STATES),
  reason: z.string().trim().max(500).optional(),
});

export const exitSchema = z.strictObject({
  on: isoDate,
  reason: z.string().trim().max(500).optional(),
});

export const listQuerySchema = paginationSchema.extend({
  q: z.string().trim().max(200).optional(),
  status: z.string().trim().max(32).optional(),
  state: z.enum(MEMBER_STATES).optional(),
  group: z.string().trim().max(64).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const decisionSchema = z.strictObject({ note: z.string().trim().max(1000).optional() });

export const groupSchema = z.strictObject({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, schemaMessage.code),
  name: name(100),
  description: z.string().trim().max(2000).nullish(),
});

export const statusSchema = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, schemaMessage.code),
  label: name(100),
  isMembership: z.boolean().default(false),
  sortOrder: z.number().int().default(100),
});

export const profileFieldSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-zA-Z0-9]{0,63}$/, schemaMessage.profileKey),
  label: name(100),
  visibility: z.enum(['public', 'members', 'board']).default('board'),
  requiresApproval: z.boolean().default(false),
  memberEditable: z.boolean().default(true),
  sortOrder: z.number().int().default(100),
});
