import { LockMode } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { selfActor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { RateLimitService, type RateLimitRule } from '../core/rate-limit.service.js';
import { LOGGER } from '../core/tokens.js';
import { Member } from '../members/entities/member.entity.js';
import { invalidLink, LinkTokenService, linkUrl } from '../members/link-token.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { AuthService } from './auth.service.js';

export const RESET_ANSWER = {
  message:
    'If an active account with this username or address exists, a mail with a link to set a new password is on its way to its private address.',
} as const;

// Password reset without telling anyone whether an account exists. The answer is given before
// the account is even looked up: the lookup, the key and the mail happen after it, so neither the
// body nor the time of the answer depends on the account. What the answer does depend on (the
// per-address limit) is the same for every account.
@Injectable()
export class PasswordResetService implements OnApplicationShutdown {
  private readonly addressRule: RateLimitRule;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log: Logger;

  constructor(
    private readonly orm: MikroORM,
    private readonly auth: AuthService,
    private readonly links: LinkTokenService,
    private readonly outbox: OutboxService,
    private readonly limits: RateLimitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) log: Logger,
  ) {
    this.addressRule = { max: config.lifecycle.resetMaxPerAddress, windowSeconds: 3600 };
    this.log = log.child({ component: 'password-reset' });
  }

  async request(login: string, clientAddress: string | null): Promise<typeof RESET_ANSWER> {
    const key = `reset:address:${clientAddress ?? 'unknown'}`;
    const wait = await this.limits.blockedFor(key, this.addressRule);
    if (wait > 0) {
      throw new AppError('RATE_LIMITED', 'too many password reset requests from your address; try again later', {
        retryAfterSeconds: wait,
      });
    }
    await this.limits.hit(key, this.addressRule);
    // setImmediate: the work starts after the answer is written, not between the handler and the write.
    const job: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.process(login.trim().toLowerCase()))
      .catch((err: unknown) => this.log.error({ err }, 'password reset request failed'))
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
    return RESET_ANSWER;
  }

  // Requests answered but not yet processed; tests and shutdown wait for them.
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  private async process(login: string): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      // Locked, so that parallel requests for one member make one key, not several.
      const member = await em.findOne(
        Member,
        { $or: [{ username: login }, { privateEmail: login }] },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!member || member.state !== 'active' || !member.privateEmail) {
        this.log.info('password reset requested for no active account with a private address');
        return;
      }
      const intervalMs = this.config.lifecycle.resetIntervalMinutes * 60_000;
      if (member.resetRequestedAt && Date.now() - member.resetRequestedAt.getTime() < intervalMs) {
        this.log.info({ member: member.id }, 'password reset requested again within the interval: no new mail');
        return;
      }
      member.resetRequestedAt = new Date();
      const ttlMs = this.config.lifecycle.resetTtlMinutes * 60_000;
      const { key, expiresAt } = await this.links.issue(em, member, 'password-reset', ttlMs);
      this.outbox.enqueue(em, {
        to: member.privateEmail,
        template: 'password-reset',
        language: this.outbox.languageFor(member.language),
        data: {
          displayName: member.displayName,
          resetUrl: linkUrl(this.config.http.publicUrl, 'reset', member.id, key),
          expiresAt: expiresAt.toISOString(),
        },
        memberId: member.id,
      });
      this.log.info({ member: member.id }, 'password reset mail queued');
    });
  }

  // For the reset page: does the link still work? (LINK_INVALID if not.)
  async check(memberId: number, key: string): Promise<{ username: string; expiresAt: string }> {
    return this.orm.em.fork().transactional(async (em) => {
      const { member, token } = await this.links.check(em, memberId, key, 'password-reset');
      if (member.state !== 'active') throw invalidLink('password-reset');
      return { username: member.username, expiresAt: token.expiresAt.toISOString() };
    });
  }

  // The key is checked in constant time, the policy applies, every session ends, a notice goes out.
  async confirm(memberId: number, key: string, password: string): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const { member, token } = await this.links.check(em, memberId, key, 'password-reset');
      if (member.state !== 'active') throw invalidLink('password-reset');
      const actor = selfActor(member);
      // Throws on a policy violation and keeps the key: the member tries another password.
      await this.auth.setPassword(em, actor, member, password);
      await this.links.consume(em, token);
      if (member.privateEmail) {
        this.outbox.enqueue(em, {
          to: member.privateEmail,
          template: 'password-changed',
          language: this.outbox.languageFor(member.language),
          data: { displayName: member.displayName },
          memberId: member.id,
        });
      }
    });
  }
}
