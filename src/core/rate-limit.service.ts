import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';

export interface RateLimitRule {
  max: number;
  windowSeconds: number;
}

// Fixed-window counters in PostgreSQL, shared by all instances. One upsert per hit.
@Injectable()
export class RateLimitService {
  constructor(private readonly orm: MikroORM) {}

  // Seconds until the key may try again, or 0 if it is under the limit.
  async blockedFor(key: string, rule: RateLimitRule): Promise<number> {
    const rows = await this.orm.em.getConnection().execute<{ count: number; window_start: Date }[]>(
      `select count, window_start from rate_limit_bucket
        where key = ? and window_start > now() - make_interval(secs => ?)`,
      [key, rule.windowSeconds],
    );
    const row = rows[0];
    if (!row || row.count < rule.max) return 0;
    const ends = new Date(row.window_start).getTime() + rule.windowSeconds * 1000;
    return Math.max(1, Math.ceil((ends - Date.now()) / 1000));
  }

  // blockedFor over several counters in one round trip (the login asks on every attempt).
  // Also says which keys have a counter at all, so a reset can be skipped when there is none.
  async check(
    limits: readonly { key: string; rule: RateLimitRule }[],
  ): Promise<{ wait: number; counted: Set<string> }> {
    if (limits.length === 0) return { wait: 0, counted: new Set() };
    const rows = await this.orm.em
      .getConnection()
      .execute<{ key: string; count: number; window_start: Date; now: Date }[]>(
        `select key, count, window_start, now() as now from rate_limit_bucket where key in (${limits.map(() => '?').join(', ')})`,
        limits.map((l) => l.key),
      );
    let wait = 0;
    for (const { key, rule } of limits) {
      const row = rows.find((r) => r.key === key);
      if (!row) continue;
      const start = new Date(row.window_start).getTime();
      const now = new Date(row.now).getTime();
      // As blockedFor: only a window still running counts.
      if (start <= now - rule.windowSeconds * 1000 || row.count < rule.max) continue;
      const ends = start + rule.windowSeconds * 1000;
      wait = Math.max(wait, Math.max(1, Math.ceil((ends - Date.now()) / 1000)));
    }
    return { wait, counted: new Set(rows.map((r) => r.key)) };
  }

  async hit(key: string, rule: RateLimitRule): Promise<void> {
    await this.orm.em.getConnection().execute(
      `insert into rate_limit_bucket (key, window_start, count) values (?, now(), 1)
       on conflict (key) do update set
         count = case when rate_limit_bucket.window_start > now() - make_interval(secs => ?)
                      then rate_limit_bucket.count + 1 else 1 end,
         window_start = case when rate_limit_bucket.window_start > now() - make_interval(secs => ?)
                      then rate_limit_bucket.window_start else now() end`,
      [key, rule.windowSeconds, rule.windowSeconds],
    );
  }

  async reset(key: string): Promise<void> {
    await this.orm.em.getConnection().execute(`delete from rate_limit_bucket where key = ?`, [key]);
  }
}
