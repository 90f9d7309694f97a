import { z } from 'zod';
import { LIST_ADDRESSES, LIST_SOURCES } from './entities/mailing-list.entity.js';

export const listInputSchema = z
  .strictObject({
    // Mailman's fqdn_listname; the list itself is created in Mailman (allmende feeds it).
    address: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^[a-z0-9][a-z0-9._+-]*@([a-z0-9-]+\.)+[a-z]{2,63}$/,
        'must be a list address such as vorstand@example.org',
      ),
    description: z.string().trim().max(500).nullish(),
    source: z.enum(LIST_SOURCES),
    group: z.string().trim().min(1).max(64).optional(),
    status: z.string().trim().min(1).max(32).optional(),
    addressKind: z.enum(LIST_ADDRESSES).default('preferred'),
    exclusive: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.source === 'group' && v.group === undefined)
      ctx.addIssue({ code: 'custom', path: ['group'], message: 'required with source group' });
    if (v.source === 'status' && v.status === undefined)
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'required with source status' });
    if (v.source !== 'group' && v.group !== undefined)
      ctx.addIssue({ code: 'custom', path: ['group'], message: 'only with source group' });
    if (v.source !== 'status' && v.status !== undefined)
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'only with source status' });
  });
export type ListInput = z.infer<typeof listInputSchema>;
