import { defineEntity, p } from '@mikro-orm/core';

// A target's health across runs and instances: when it last worked, and since when it fails.
const SyncTargetStateSchema = defineEntity({
  name: 'SyncTargetState',
  tableName: 'sync_target_state',
  properties: {
    target: p.string().length(64).primary(),
    lastRunAt: p.datetime().nullable(),
    lastSuccessAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    lastErrorAt: p.datetime().nullable(),
    // Set by the first failed run after a success, cleared by the next success.
    failingSince: p.datetime().nullable(),
    consecutiveFailures: p.integer().default(0),
    // When the engine tries again after a failure (backoff); null when nothing is pending.
    nextRetryAt: p.datetime().nullable(),
  },
});

export class SyncTargetState extends SyncTargetStateSchema.class {}
SyncTargetStateSchema.setClass(SyncTargetState);
