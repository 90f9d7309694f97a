import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { verifyPassword } from '../core/crypto.util.js';
import type { RateLimitRule } from '../core/rate-limit.service.js';
import { Member } from '../members/entities/member.entity.js';
import { cachedVerify, VerifyCache } from './verify-cache.js';

// Jabber logins: only active members with a password, only on the configured domain.
const JABBER_STATES = new Set(['active']);

@Injectable()
export class JabberAuthService {
  private readonly tokenRule: RateLimitRule;
  private readonly verify: ((phc: string, password: string, memberId: number | null) => Promise<boolean>) | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly logins: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.tokenRule = { max: config.jabber.maxFailuresPerToken, windowSeconds: config.login.windowMinutes * 60 };
    const ttl = config.jabber.verifyCacheSeconds;
    this.verify = ttl > 0 ? cachedVerify(new VerifyCache(ttl * 1000), verifyPassword) : undefined;
  }

  // Same check and limits as the web login, without a session. ejabberd passes no client address,
  // so the counters are the account's (shared with the web login) and the service token's.
  async auth(actor: Actor, user: string, server: string, password: string): Promise<boolean> {
    const username = this.username(actor, user, server);
    if (username === null) return false;
    try {
      await this.logins.checkCredentials(this.orm.em.fork(), {
        identifier: username,
        where: { username },
        password,
        states: JABBER_STATES,
        limits: [{ key: `jabber:token:${actor.tokenId ?? 'none'}`, rule: this.tokenRule }],
        clientAddress: actor.clientAddress,
        failedAction: 'auth.jabber.failed',
        auditDetails: { via: actor.label },
        verify: this.verify,
      });
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === 'UNAUTHENTICATED') return false;
      throw err;
    }
  }

  async isUser(actor: Actor, user: string, server: string): Promise<boolean> {
    const username = this.username(actor, user, server);
    if (username === null) return false;
    const count = await this.orm.em.fork().count(Member, { username, state: 'active', passwordHash: { $ne: null } });
    return count > 0;
  }

  // The allmende username for user@server, or null when server is not our Jabber domain.
  private username(actor: Actor, user: string, server: string): string | null {
    // A machine's endpoint: a logged-in person has no business asking about others' passwords.
    if (actor.kind !== 'token') throw new AppError('FORBIDDEN', 'only for the Jabber server’s API token');
    const domain = this.config.jabber.domain;
    if (domain === undefined) {
      throw new AppError('INVALID_STATE', 'ALLMENDE_JABBER_DOMAIN is not set: allmende answers no Jabber logins');
    }
    if (server.toLowerCase() !== domain) return null;
    // ejabberd hands over the node nodeprepped (lower case); usernames are stored lower case.
    return user.toLowerCase();
  }
}
