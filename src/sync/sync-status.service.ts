import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { SyncRun } from './entities/sync-run.entity.js';
import { SyncTargetState } from './entities/sync-target-state.entity.js';
import { healthOf, type SyncHealth } from './sync-backoff.js';
import { SyncRegistry } from './sync-registry.js';

export interface TargetStatus {
  target: string;
  description: string;
  cron: string;
  health: SyncHealth;
  lastRunAt: Date | null;
  lastSuccessAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  failingSince: Date | null;
  consecutiveFailures: number;
  nextRetryAt: Date | null;
  lastRun: SyncRun | null;
}

// What the board and the admin look at: every configured target's health and its recent runs.
@Injectable()
export class SyncStatusService {
  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
  ) {}

  async status(): Promise<TargetStatus[]> {
    const em = this.orm.em.fork();
    const targets = this.registry.all();
    const names = targets.map((t) => t.name);
    const states = names.length > 0 ? await em.find(SyncTargetState, { target: { $in: names } }) : [];
    const byName = new Map(states.map((s) => [s.target, s]));
    return Promise.all(
      targets.map(async (t) => {
        const s = byName.get(t.name);
        // The last finished run (a running one has no outcome yet).
        const [lastRun] = await em.find(
          SyncRun,
          { target: t.name, status: { $ne: 'running' } },
          { orderBy: { id: 'desc' }, limit: 1 },
        );
        const state = {
          lastRunAt: s?.lastRunAt ?? null,
          failingSince: s?.failingSince ?? null,
          consecutiveFailures: s?.consecutiveFailures ?? 0,
        };
        return {
          target: t.name,
          description: t.description,
          cron: t.cron,
          health: healthOf(state, lastRun?.status ?? null),
          ...state,
          lastSuccessAt: s?.lastSuccessAt ?? null,
          lastError: s?.lastError ?? null,
          lastErrorAt: s?.lastErrorAt ?? null,
          nextRetryAt: s?.nextRetryAt ?? null,
          lastRun: lastRun ?? null,
        };
      }),
    );
  }

  async runs(name: string, limit: number): Promise<SyncRun[]> {
    this.registry.get(name); // 404 for an unknown target
    return this.orm.em.fork().find(SyncRun, { target: name }, { orderBy: { id: 'desc' }, limit });
  }

  async pendingRetries(): Promise<{ target: string; at: Date }[]> {
    const states = await this.orm.em.fork().find(SyncTargetState, { nextRetryAt: { $ne: null } });
    return states.flatMap((s) => (s.nextRetryAt ? [{ target: s.target, at: s.nextRetryAt }] : []));
  }
}
