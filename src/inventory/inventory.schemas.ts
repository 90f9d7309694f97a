import { z } from 'zod';
import { customIssue, schemaMessage } from '../core/zod-problems.js';
import { paginationSchema } from '../core/pagination.js';
import { OWNERSHIPS } from './entities/thing.entity.js';
import { slugProblem } from './thing-ref.js';

// No control characters: they break CSV, labels and mail subjects later on.
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, schemaMessage.empty)
    .max(max, schemaMessage.maxChars(max))
    .regex(/^[^\p{Cc}\p{Cf}]*$/u, schemaMessage.control);

const isoDate = z.iso.date(schemaMessage.date);

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((slug, ctx) => {
    const problem = slugProblem(slug);
    if (problem) ctx.addIssue(customIssue(problem));
  });

export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._-]{0,39}$/u, schemaMessage.tag);

const thingFields = {
  slug: slugSchema.optional(),
  name: text(200),
  description: z.string().trim().max(10_000).nullish(),
  locationId: z.number().int().positive().nullish(),
  tags: z.array(tagSchema).max(30).optional(),
  ownership: z.enum(OWNERSHIPS).optional(),
  ownerMemberId: z.number().int().positive().nullish(),
  ownerName: text(200).nullish(),
  ownerUntil: isoDate.nullish(),
  needsInduction: z.boolean().optional(),
};

export const createThingSchema = z.strictObject(thingFields);
export type CreateThingInput = z.infer<typeof createThingSchema>;

export const updateThingSchema = z.strictObject({
  // Optimistic locking: a stale version answers 409 instead of overwriting someone's change.
  version: z.number().int().positive().optional(),
  ...thingFields,
  name: thingFields.name.optional(),
  archived: z.boolean().optional(),
});
export type UpdateThingInput = z.infer<typeof updateThingSchema>;

export const moveSchema = z.strictObject({ locationId: z.number().int().positive().nullable() });

export const thingListSchema = paginationSchema.extend({
  q: z.string().trim().max(200).optional(),
  tag: tagSchema.optional(),
  locationId: z.coerce.number().int().positive().optional(),
  ownerMemberId: z.coerce.number().int().positive().optional(),
  ownership: z.enum(OWNERSHIPS).optional(),
  lent: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  includeArchived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type ThingListQuery = z.infer<typeof thingListSchema>;

export const locationSchema = z.strictObject({
  name: text(100),
  parentId: z.number().int().positive().nullish(),
  description: z.string().trim().max(2000).nullish(),
});
export type LocationInput = z.infer<typeof locationSchema>;

export const locationUpdateSchema = z.strictObject({
  name: text(100).optional(),
  parentId: z.number().int().positive().nullish(),
  description: z.string().trim().max(2000).nullish(),
});
export type LocationUpdateInput = z.infer<typeof locationUpdateSchema>;

export const lendSchema = z.strictObject({
  dueOn: isoDate,
  // Helpers and the board lend to any member; a member borrows for themselves.
  borrowerId: z.number().int().positive().optional(),
  note: z.string().trim().max(1000).optional(),
});
export type LendInput = z.infer<typeof lendSchema>;

export const extendSchema = z.strictObject({ dueOn: isoDate });

export const inductionSchema = z.strictObject({
  inductedOn: isoDate.optional(),
  expiresOn: isoDate.nullish(),
});
export type InductionInput = z.infer<typeof inductionSchema>;

export const labelQuerySchema = z.strictObject({
  // Print the first labels of a sheet already partly used.
  skip: z.coerce.number().int().min(0).max(100).default(0),
});
