import { defineEntity, p } from '@mikro-orm/core';

export const VISIBILITIES = ['public', 'members', 'board'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

// One row per field a member record shows: the built-in ones (seeded, cannot be deleted) and
// fields the admin adds. Visibility decides who sees it; requiresApproval whether a member's own
// change waits for the board.
const ProfileFieldSchema = defineEntity({
  name: 'ProfileField',
  tableName: 'profile_field',
  properties: {
    key: p.string().length(64).primary(),
    label: p.string().length(100),
    visibility: p.enum(VISIBILITIES).default('board'),
    requiresApproval: p.boolean().default(false),
    memberEditable: p.boolean().default(false),
    builtin: p.boolean().default(false),
    sortOrder: p.integer().default(100),
  },
});

export class ProfileField extends ProfileFieldSchema.class {}
ProfileFieldSchema.setClass(ProfileField);
