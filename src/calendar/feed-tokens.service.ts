import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { newToken, tokenHash } from '../core/crypto.util.js';
import { Member } from '../members/entities/member.entity.js';
import { FeedToken } from './entities/feed-token.entity.js';

export interface FeedLinks {
  // Shown once: only its hash is kept.
  token: string;
  calendar: { https: string; webcal: string };
  mine: { https: string; webcal: string };
  xcal: string;
  atom: string;
}

export function webcal(url: string): string {
  return url.replace(/^https?:\/\//, 'webcal://');
}

export function privateFeedLinks(publicUrl: string, token: string): FeedLinks {
  const base = `${publicUrl}/calendar/private/${token}`;
  return {
    token,
    calendar: { https: `${base}/calendar.ics`, webcal: webcal(`${base}/calendar.ics`) },
    mine: { https: `${base}/mine/calendar.ics`, webcal: webcal(`${base}/mine/calendar.ics`) },
    xcal: `${base}/calendar.xml`,
    atom: `${base}/calendar.atom`,
  };
}

const TOUCH_EVERY_MS = 3600_000;

// The key in a member's private feed links: one live key per member; a new one revokes the old.
@Injectable()
export class FeedTokensService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(actor: Actor): Promise<FeedLinks> {
    const memberId = this.memberOf(actor);
    const token = newToken('cal_');
    await this.orm.em.fork().transactional(async (em) => {
      await em.execute('update calendar_feed_token set revoked_at = now() where member_id = ? and revoked_at is null', [
        memberId,
      ]);
      em.create(FeedToken, { member: em.getReference(Member, memberId), tokenHash: tokenHash(token) });
      this.audit.record(em, actor, 'calendar.feed-token.issue', `member:${memberId}`);
    });
    return privateFeedLinks(this.config.http.publicUrl, token);
  }

  async revoke(actor: Actor): Promise<{ revoked: number }> {
    const memberId = this.memberOf(actor);
    return this.orm.em.fork().transactional(async (em) => {
      const rows = await em.execute<{ id: number }[]>(
        'update calendar_feed_token set revoked_at = now() where member_id = ? and revoked_at is null returning id',
        [memberId],
      );
      this.audit.record(em, actor, 'calendar.feed-token.revoke', `member:${memberId}`);
      return { revoked: rows.length };
    });
  }

  async status(actor: Actor): Promise<{ active: boolean; createdAt: string | null; lastUsedAt: string | null }> {
    const [row] = await this.orm.em
      .fork()
      .execute<{ created_at: string; last_used_at: string | null }[]>(
        'select created_at, last_used_at from calendar_feed_token where member_id = ? and revoked_at is null',
        [this.memberOf(actor)],
      );
    return {
      active: row !== undefined,
      createdAt: row ? new Date(row.created_at).toISOString() : null,
      lastUsedAt: row?.last_used_at ? new Date(row.last_used_at).toISOString() : null,
    };
  }

  // The member a feed key belongs to; undefined when it is unknown, revoked, or its member is
  // no longer active (the same answer for all three).
  async resolve(token: string): Promise<number | undefined> {
    if (!/^cal_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const em = this.orm.em.fork();
    const [row] = await em.execute<{ id: number; member_id: number; last_used_at: string | null }[]>(
      `select t.id, t.member_id, t.last_used_at from calendar_feed_token t join member m on m.id = t.member_id
        where t.token_hash = ? and t.revoked_at is null and m.state = 'active'`,
      [tokenHash(token)],
    );
    if (!row) return undefined;
    // When it was last used, to the hour: a write per calendar poll would cost more than the feed.
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > TOUCH_EVERY_MS) {
      await em.execute('update calendar_feed_token set last_used_at = now() where id = ?', [row.id]);
    }
    return row.member_id;
  }

  private memberOf(actor: Actor): number {
    if (actor.memberId === null) throw new AppError('FORBIDDEN', 'feed links belong to members');
    return actor.memberId;
  }
}
