import { defineEntity, p } from '@mikro-orm/core';

export const SYNC_TRIGGERS = ['change', 'schedule', 'manual', 'retry', 'startup'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];

// running: holds the target's lock; ok: every action applied; partial: some items failed (listed
// in errors), the rest applied; failed: the target itself failed (unreachable, refused, bad answer).
export const SYNC_RUN_STATUSES = ['running', 'ok', 'partial', 'failed'] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

export interface SyncItemError {
  item: string;
  action?: string;
  message: string;
}

// One run of one target: what started it, what it did (counts per action kind) and what failed.
const SyncRunSchema = defineEntity({
  name: 'SyncRun',
  tableName: 'sync_run',
  indexes: [{ name: 'sync_run_target_idx', properties: ['target', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    target: p.string().length(64),
    trigger: p.enum(SYNC_TRIGGERS),
    status: p.enum(SYNC_RUN_STATUSES).default('running'),
    startedAt: p.datetime(),
    endedAt: p.datetime().nullable(),
    counts: p.json<Record<string, number>>().default('{}'),
    // Items that failed or were refused (name collisions, missing lists), capped per run.
    errors: p.json<SyncItemError[]>().default('[]'),
    error: p.text().nullable(),
    // The instance that ran it (host:pid), for finding its log.
    instance: p.string().length(128),
  },
});

export class SyncRun extends SyncRunSchema.class {}
SyncRunSchema.setClass(SyncRun);
