import { hostname } from 'node:os';
import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppError } from '../core/app.errors.js';
import { LOGGER } from '../core/tokens.js';
import type { SyncItemError, SyncRunStatus, SyncTrigger } from './entities/sync-run.entity.js';
import { retryDelayMs } from './sync-backoff.js';
import { serialGroups } from './sync-groups.js';
import { dedicatedConnection } from './sync-connection.js';
import { SyncRegistry } from './sync-registry.js';
import type { AnySyncTarget, SyncAction, SyncProblem } from './sync.target.js';

// At most this many item errors are stored per run; the count says how many there were.
const MAX_STORED_ERRORS = 200;
// A run where some items failed to apply tries them again after this long.
const PARTIAL_RETRY_MS = 60_000;

export interface PlannedAction {
  kind: string;
  item: string;
  description: string;
}

export interface DryRun {
  target: string;
  actions: PlannedAction[];
  problems: SyncProblem[];
  counts: Record<string, number>;
}

export interface RunResult {
  id: number;
  target: string;
  trigger: SyncTrigger;
  status: Exclude<SyncRunStatus, 'running'>;
  counts: Record<string, number>;
  errors: SyncItemError[];
  errorCount: number;
  error: string | null;
  durationMs: number;
  // Only after a failed or partial run: when the engine tries again.
  retryInMs: number | null;
}

export class TargetBusyError extends AppError {
  constructor(target: string) {
    super('CONFLICT', `a run of sync target "${target}" is in progress (on this or another instance)`);
  }
}

// Runs one target: desired → actual → plan → apply, recorded in sync_run and sync_target_state.
// A run holds the target's advisory lock on a connection of its own, so across all instances at
// most one run per target happens at a time.
@Injectable()
export class SyncEngine {
  private readonly instance = `${hostname()}:${process.pid}`;
  private readonly log: Logger;

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) log: Logger,
  ) {
    this.log = log.child({ component: 'sync' });
  }

  // The dry run: what a run would do now. Reads only; needs no lock.
  async plan(name: string): Promise<DryRun> {
    const target = this.registry.get(name);
    const desired = await target.desired();
    const actual = await target.actual(desired, { trigger: 'manual' }).catch((err: unknown) => {
      throw target.isTargetDown(err) ? new AppError('UNAVAILABLE', `${name}: ${message(err)}`) : err;
    });
    const plan = target.plan(desired, actual);
    return {
      target: name,
      actions: plan.actions.map((a) => ({ kind: a.kind, item: a.item, description: target.describe(a) })),
      problems: plan.problems,
      counts: countKinds(plan.actions),
    };
  }

  // Throws TargetBusyError when another run of the target holds the lock.
  async run(name: string, trigger: SyncTrigger): Promise<RunResult> {
    const target = this.registry.get(name);
    const lock = await dedicatedConnection(this.orm, this.config);
    try {
      const got = await lock.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [
        `allmende:sync:${name}`,
      ]);
      if (got.rows[0]?.ok !== true) throw new TargetBusyError(name);
      return await this.runLocked(target, trigger);
    } finally {
      await lock.end().catch(() => undefined); // ending the session releases the lock
    }
  }

  private async runLocked(target: AnySyncTarget, trigger: SyncTrigger): Promise<RunResult> {
    const em = this.orm.em.fork();
    const started = performance.now();
    // We hold the lock, so a run still marked running was cut off (its instance stopped).
    await em.execute(
      `update sync_run set status = 'failed', ended_at = now(), error = 'cut off: its instance stopped during the run'
        where target = ? and status = 'running'`,
      [target.name],
    );
    const [row] = await em.execute<{ id: number }[]>(
      `insert into sync_run (target, trigger, status, started_at, counts, errors, instance)
       values (?, ?, 'running', now(), '{}', '[]', ?) returning id`,
      [target.name, trigger, this.instance],
    );
    const runId = row?.id ?? 0;
    const counts: Record<string, number> = {};
    const errors: SyncItemError[] = [];
    let error: string | null;
    try {
      const desired = await target.desired();
      const actual = await target.actual(desired, { trigger });
      const plan = target.plan(desired, actual);
      for (const p of plan.problems) errors.push({ item: p.item, message: p.message });
      error = await this.applyAll(target, plan.actions, counts, errors);
    } catch (err) {
      error = message(err);
    }
    const status: RunResult['status'] = error !== null ? 'failed' : errors.length > 0 ? 'partial' : 'ok';
    const retryInMs = await this.record(target.name, runId, status, counts, errors, error);
    const result: RunResult = {
      id: runId,
      target: target.name,
      trigger,
      status,
      counts,
      errors: errors.slice(0, MAX_STORED_ERRORS),
      errorCount: errors.length,
      error,
      durationMs: Math.round(performance.now() - started),
      retryInMs,
    };
    const fields = {
      target: target.name,
      trigger,
      runId,
      status,
      counts,
      errors: errors.length,
      ms: result.durationMs,
    };
    if (status === 'failed') this.log.warn({ ...fields, error }, 'sync run failed');
    else if (status === 'partial') this.log.warn({ ...fields, first: errors[0] }, 'sync run: some items failed');
    else if (Object.keys(counts).length > 0) this.log.info(fields, 'sync run applied changes');
    else this.log.debug(fields, 'sync run: nothing to do');
    return result;
  }

  // Applies the actions, `concurrency` at a time (actions with the same serial key one after
  // another, see serialGroups). Item errors are collected; an error that means the target is down
  // stops the run and is returned.
  private async applyAll(
    target: AnySyncTarget,
    actions: SyncAction[],
    counts: Record<string, number>,
    errors: SyncItemError[],
  ): Promise<string | null> {
    const groups = serialGroups(actions, target.serialKey?.bind(target));
    let next = 0;
    let down: string | null = null;
    const lane = async () => {
      for (let g = groups[next++]; g !== undefined && down === null; g = groups[next++]) {
        for (const a of g) {
          if (down !== null) break;
          try {
            await target.apply(a);
            counts[a.kind] = (counts[a.kind] ?? 0) + 1;
          } catch (err) {
            if (target.isTargetDown(err)) down ??= message(err);
            else errors.push({ item: a.item, action: a.kind, message: message(err) });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(target.concurrency, groups.length)) }, lane));
    return down;
  }

  private async record(
    name: string,
    runId: number,
    status: RunResult['status'],
    counts: Record<string, number>,
    errors: SyncItemError[],
    error: string | null,
  ): Promise<number | null> {
    const em = this.orm.em.fork();
    const stored = errors.slice(0, MAX_STORED_ERRORS);
    if (errors.length > MAX_STORED_ERRORS) {
      stored.push({ item: '…', message: `${errors.length - MAX_STORED_ERRORS} more errors not stored` });
    }
    await em.execute(
      `update sync_run set status = ?, ended_at = now(), counts = ?, errors = ?, error = ? where id = ?`,
      [status, JSON.stringify(counts), JSON.stringify(stored), error, runId],
    );
    if (status !== 'failed') {
      // The target answered. Items that failed while applying are tried again in a minute;
      // refusals found by plan() (a name collision, a missing list) wait for a person and the cron.
      const retryInMs = errors.some((e) => e.action !== undefined) ? PARTIAL_RETRY_MS : null;
      const lastError =
        status === 'partial'
          ? `${errors.length} item(s) failed; first: ${errors[0]?.item}: ${errors[0]?.message}`
          : null;
      await em.execute(
        `insert into sync_target_state (target, last_run_at, last_success_at, last_error, last_error_at,
                                        consecutive_failures, next_retry_at)
         values (?, now(), now(), ?, case when ?::text is null then null else now() end, 0,
                 now() + make_interval(secs => ?))
         on conflict (target) do update set last_run_at = now(), last_success_at = now(), failing_since = null,
           consecutive_failures = 0, next_retry_at = excluded.next_retry_at,
           last_error = coalesce(excluded.last_error, sync_target_state.last_error),
           last_error_at = coalesce(excluded.last_error_at, sync_target_state.last_error_at)`,
        [name, lastError, lastError, retryInMs === null ? null : retryInMs / 1000],
      );
      return retryInMs;
    }
    const [state] = await em.execute<{ consecutive_failures: number }[]>(
      `select consecutive_failures from sync_target_state where target = ?`,
      [name],
    );
    const failures = (state?.consecutive_failures ?? 0) + 1;
    const retryInMs = retryDelayMs(failures);
    await em.execute(
      `insert into sync_target_state (target, last_run_at, last_error, last_error_at, failing_since,
                                      consecutive_failures, next_retry_at)
       values (?, now(), ?, now(), now(), ?, now() + make_interval(secs => ?))
       on conflict (target) do update set last_run_at = now(), last_error = excluded.last_error, last_error_at = now(),
         failing_since = coalesce(sync_target_state.failing_since, now()),
         consecutive_failures = excluded.consecutive_failures, next_retry_at = excluded.next_retry_at`,
      [name, error, failures, retryInMs / 1000],
    );
    return retryInMs;
  }
}

function countKinds(actions: readonly SyncAction[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of actions) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return counts;
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
