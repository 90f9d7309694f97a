import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from './tokens.js';

const HOUR_MS = 3600_000;

// Keeps the session and rate-limit tables from growing without end. Each statement is
// idempotent, so several instances doing it at once is harmless.
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orm: MikroORM,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), HOUR_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(): Promise<{ sessions: number; buckets: number }> {
    try {
      const em = this.orm.em.fork();
      // Ended sessions stay 30 days: they are part of what a member's data export shows.
      const sessions = await em.execute<{ id: string }[]>(
        `delete from session where expires_at < now() - interval '30 days'
            or revoked_at < now() - interval '30 days' returning id`,
      );
      const buckets = await em.execute<{ key: string }[]>(
        `delete from rate_limit_bucket where window_start < now() - interval '1 day' returning key`,
      );
      const result = { sessions: sessions.length, buckets: buckets.length };
      if (result.sessions + result.buckets > 0)
        this.log.info(result, 'housekeeping: removed old sessions and counters');
      return result;
    } catch (err) {
      this.log.warn({ err }, 'housekeeping failed; next try in an hour');
      return { sessions: 0, buckets: 0 };
    }
  }
}
