import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { LOGGER, RUN_WORKERS } from '../core/tokens.js';
import type { SyncTrigger } from './entities/sync-run.entity.js';
import { SyncEngine, TargetBusyError, type RunResult } from './sync-engine.service.js';
import { retryDelayMs } from './sync-backoff.js';
import { dedicatedConnection } from './sync-connection.js';
import { SyncRegistry } from './sync-registry.js';
import { SyncStatusService } from './sync-status.service.js';

export const SYNC_CHANNEL = 'allmende_sync';
// Under a stream of changes a target still runs at least this often.
const MAX_DEBOUNCE_MS = 2_000;
// Another instance runs the target: try again shortly (its run may have missed our change).
const BUSY_RETRY_MS = 1_000;
// Runs are kept this long (a run per change adds up), then deleted hourly.
export const KEEP_RUNS_DAYS = 30;
const PURGE_EVERY_MS = 3600_000;
// Retries recorded by a run this instance did not start (a manual run, the CLI, an instance that
// stopped) are picked up by looking for due ones this often.
const RETRY_SCAN_MS = 15_000;

interface Lane {
  timer?: NodeJS.Timeout;
  firstRequestAt?: number;
  trigger: SyncTrigger;
  running?: Promise<void>;
  again: boolean;
}

// Decides when targets run: on a change (LISTEN allmende_sync, debounced), on each target's cron
// (the full reconcile), after a failure (backoff), and once at start. Every instance listens, so a
// change made through any instance reaches the targets; the engine's lock keeps runs single.
@Injectable()
export class SyncWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lanes = new Map<string, Lane>();
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private retryScan: NodeJS.Timeout | undefined;
  private reconnects = 0;
  private stopping = false;
  private readonly log: Logger;

  constructor(
    private readonly orm: MikroORM,
    private readonly engine: SyncEngine,
    private readonly registry: SyncRegistry,
    private readonly status: SyncStatusService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) log: Logger,
    @Inject(RUN_WORKERS) private readonly enabled: boolean,
  ) {
    this.log = log.child({ component: 'sync' });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    for (const target of this.registry.all()) {
      const job = CronJob.from({
        cronTime: target.cron,
        onTick: () => this.request(target.name, 'schedule'),
        start: true,
        unrefTimeout: true,
      });
      this.scheduler.addCronJob(`sync:${target.name}`, job);
    }
    await this.listen();
    this.purgeTimer = setInterval(() => {
      this.purge().catch((err: unknown) => this.log.warn({ err }, 'sync: cannot delete old runs'));
    }, PURGE_EVERY_MS);
    this.purgeTimer.unref();
    this.retryScan = setInterval(() => {
      this.dueRetries().catch((err: unknown) => this.log.debug({ err }, 'sync: cannot read due retries'));
    }, RETRY_SCAN_MS);
    this.retryScan.unref();
    // Converge after downtime: what changed while no instance listened, and retries that were due.
    for (const target of this.registry.all()) this.request(target.name, 'startup');
    for (const r of await this.status.pendingRetries().catch(() => [])) {
      if (this.registry.all().some((t) => t.name === r.target)) {
        this.schedule(r.target, 'retry', Math.max(0, r.at.getTime() - Date.now()));
      }
    }
  }

  // Before the targets' clients close (their modules close them in onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.purgeTimer);
    clearInterval(this.retryScan);
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    await Promise.all([...this.lanes.values()].flatMap((l) => (l.running ? [l.running] : [])));
    await this.listener?.end().catch(() => undefined);
  }

  // Asks for a run of the target soon: requests within the debounce window become one run.
  request(name: string, trigger: SyncTrigger): void {
    const lane = this.lane(name);
    if (lane.running) {
      lane.again = true;
      return;
    }
    const now = Date.now();
    lane.firstRequestAt ??= now;
    lane.trigger = trigger;
    const waited = now - lane.firstRequestAt;
    this.schedule(name, trigger, Math.max(0, Math.min(this.config.sync.debounceMs, MAX_DEBOUNCE_MS - waited)));
  }

  // Due retries of targets this instance is not already running or about to run.
  private async dueRetries(): Promise<void> {
    const now = Date.now();
    for (const r of await this.status.pendingRetries()) {
      const lane = this.lanes.get(r.target);
      if (r.at.getTime() > now || lane?.running || lane?.timer) continue;
      if (this.registry.all().some((t) => t.name === r.target)) this.schedule(r.target, 'retry', 0);
    }
  }

  async purge(): Promise<number> {
    const rows = await this.orm.em
      .fork()
      .execute<{ id: number }[]>(
        `delete from sync_run where status <> 'running' and started_at < now() - make_interval(days => ?) returning id`,
        [KEEP_RUNS_DAYS],
      );
    return rows.length;
  }

  // For tests and the benchmark: resolves when no run is pending or running on this instance.
  async idle(): Promise<void> {
    for (;;) {
      // A retry waits out its backoff: not pending in this sense.
      const lanes = [...this.lanes.values()];
      const running = lanes.flatMap((l) => (l.running ? [l.running] : []));
      const waiting = lanes.some((l) => !l.running && l.timer && l.trigger !== 'retry');
      if (running.length === 0 && !waiting) return;
      await Promise.all([...running, new Promise((r) => setTimeout(r, 50))]);
    }
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { trigger: 'change', again: false };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private schedule(name: string, trigger: SyncTrigger, ms: number): void {
    if (this.stopping) return;
    const lane = this.lane(name);
    clearTimeout(lane.timer);
    lane.trigger = trigger;
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      lane.firstRequestAt = undefined;
      lane.running = this.fire(name, lane.trigger).finally(() => {
        lane.running = undefined;
        if (lane.again) {
          lane.again = false;
          this.request(name, 'change');
        }
      });
    }, ms);
    lane.timer.unref();
  }

  private async fire(name: string, trigger: SyncTrigger): Promise<void> {
    let result: RunResult;
    try {
      result = await this.engine.run(name, trigger);
    } catch (err) {
      if (err instanceof TargetBusyError) {
        this.schedule(name, trigger, BUSY_RETRY_MS);
        return;
      }
      // Our own database failed (the run could not even be recorded): try again with backoff.
      this.log.warn({ err, target: name }, 'sync: cannot run the target');
      this.schedule(name, 'retry', retryDelayMs(1));
      return;
    }
    if (result.retryInMs !== null) this.schedule(name, 'retry', result.retryInMs);
  }

  private async listen(): Promise<void> {
    try {
      const client = await dedicatedConnection(this.orm, this.config);
      client.on('notification', (n) => {
        if (n.channel !== SYNC_CHANNEL || !n.payload) return;
        for (const t of this.registry.watching(n.payload)) this.request(t.name, 'change');
      });
      client.on('end', () => {
        if (this.stopping) return;
        this.log.warn('sync: lost the LISTEN connection; reconnecting');
        this.listener = undefined;
        this.reconnect();
      });
      await client.query(`listen ${SYNC_CHANNEL}`);
      this.listener = client;
      if (this.reconnects > 0) {
        // Changes may have happened while we did not listen.
        for (const target of this.registry.all()) this.request(target.name, 'change');
      }
      this.reconnects = 0;
    } catch (err) {
      this.log.warn({ err }, 'sync: cannot LISTEN for changes; retrying (the cron reconcile still runs)');
      this.reconnect();
    }
  }

  private reconnect(): void {
    if (this.stopping) return;
    this.reconnects++;
    this.reconnectTimer = setTimeout(() => void this.listen(), Math.min(30_000, 1000 * this.reconnects));
    this.reconnectTimer.unref();
  }
}
