import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { hasRole, hasScope, type Actor, type Scope } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { dummyPasswordHash, hashPassword, newToken, tokenHash, verifyPassword } from '../core/crypto.util.js';
import { RateLimitService, type RateLimitRule } from '../core/rate-limit.service.js';
import { Member } from '../members/entities/member.entity.js';
import { GroupsService } from '../members/groups.service.js';
import { ApiToken } from './entities/api-token.entity.js';
import { Session } from './entities/session.entity.js';
import { passwordProblems } from './password-policy.js';

export const SESSION_COOKIE = 'allmende_session';
const LOGIN_STATES = new Set(['registered', 'active']);

export interface LoginResult {
  token: string;
  session: Session;
  member: Member;
}

@Injectable()
export class AuthService {
  private readonly accountRule: RateLimitRule;
  private readonly addressRule: RateLimitRule;

  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly limits: RateLimitService,
    private readonly groups: GroupsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const windowSeconds = config.login.windowMinutes * 60;
    this.accountRule = { max: config.login.maxFailuresPerAccount, windowSeconds };
    this.addressRule = { max: config.login.maxFailuresPerAddress, windowSeconds };
  }

  // Username or private e-mail + password. Every failure answers the same, in the same time.
  async login(
    identifier: string,
    password: string,
    clientAddress: string | null,
    userAgent: string | null,
  ): Promise<LoginResult> {
    const id = identifier.trim().toLowerCase();
    const accountKey = `login:account:${id}`;
    const addressKey = `login:address:${clientAddress ?? 'unknown'}`;
    const wait = Math.max(
      await this.limits.blockedFor(accountKey, this.accountRule),
      await this.limits.blockedFor(addressKey, this.addressRule),
    );
    if (wait > 0) {
      throw new AppError('RATE_LIMITED', `too many failed logins; try again in ${wait} seconds`, {
        retryAfterSeconds: wait,
      });
    }
    const em = this.orm.em.fork();
    const member = await em.findOne(Member, { $or: [{ username: id }, { privateEmail: id }] });
    const hash = member?.passwordHash ?? (await dummyPasswordHash());
    const ok =
      (await verifyPassword(hash, password)) &&
      member !== null &&
      member.passwordHash !== null &&
      LOGIN_STATES.has(member.state);
    const actor: Actor = {
      kind: 'system',
      memberId: member?.id ?? null,
      label: member?.username ?? id.slice(0, 64),
      role: 'member',
      scopes: [],
      clientAddress,
    };
    if (!ok || !member) {
      await this.limits.hit(accountKey, this.accountRule);
      await this.limits.hit(addressKey, this.addressRule);
      this.audit.record(em, actor, 'auth.login.failed', member ? `member:${member.id}` : null, {
        identifier: id.slice(0, 64),
      });
      await em.flush();
      throw new AppError('UNAUTHENTICATED', 'wrong username or password');
    }
    await this.limits.reset(accountKey);
    const token = newToken();
    const session = em.create(Session, {
      tokenHash: tokenHash(token),
      member,
      expiresAt: new Date(Date.now() + this.config.sessionTtlHours * 3600_000),
      clientAddress,
      userAgent: userAgent?.slice(0, 256) ?? null,
    });
    this.audit.record(em, actor, 'auth.login', `member:${member.id}`);
    await em.flush();
    return { token, session, member };
  }

  async logout(actor: Actor): Promise<void> {
    if (!actor.sessionId) return;
    await this.revokeSession(actor, actor.sessionId);
  }

  // The actor behind a session cookie or a bearer token, or null.
  async authenticate(
    sessionToken: string | undefined,
    bearer: string | undefined,
    clientAddress: string | null,
  ): Promise<Actor | null> {
    const em = this.orm.em.fork();
    if (bearer) return this.fromApiToken(em, bearer, clientAddress);
    if (!sessionToken) return null;
    const session = await em.findOne(Session, { tokenHash: tokenHash(sessionToken) }, { populate: ['member'] });
    const now = Date.now();
    if (!session || session.revokedAt || session.expiresAt.getTime() <= now) return null;
    if (!LOGIN_STATES.has(session.member.state)) return null;
    // Touch at most once a minute: a write per request would be wasteful.
    if (now - session.lastSeenAt.getTime() > 60_000) {
      session.lastSeenAt = new Date(now);
      await em.flush();
    }
    const role = await this.groups.roleOf(em, session.member.id);
    return {
      kind: 'member',
      memberId: session.member.id,
      label: session.member.username,
      role,
      scopes: 'all',
      clientAddress,
      sessionId: session.id,
    };
  }

  private async fromApiToken(em: EntityManager, bearer: string, clientAddress: string | null): Promise<Actor | null> {
    const token = await em.findOne(ApiToken, { tokenHash: tokenHash(bearer) }, { populate: ['owner'] });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= Date.now())) return null;
    if (token.owner.state !== 'active') return null;
    const role = await this.groups.roleOf(em, token.owner.id);
    if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
      token.lastUsedAt = new Date();
      await em.flush();
    }
    return {
      kind: 'token',
      memberId: token.owner.id,
      label: `${token.owner.username} (token ${token.name})`,
      role,
      scopes: token.scopes as Scope[],
      clientAddress,
    };
  }

  async sessionsOf(memberId: number): Promise<Session[]> {
    return this.orm.em
      .fork()
      .find(
        Session,
        { member: memberId, revokedAt: null, expiresAt: { $gt: new Date() } },
        { orderBy: { lastSeenAt: 'desc' } },
      );
  }

  async revokeSession(actor: Actor, sessionId: string): Promise<void> {
    const em = this.orm.em.fork();
    const session = await em.findOne(Session, { id: sessionId });
    if (!session || (session.member.id !== actor.memberId && !hasRole(actor, 'admin')))
      throw AppError.notFound('session');
    session.revokedAt ??= new Date();
    this.audit.record(em, actor, 'auth.session.revoke', `member:${session.member.id}`, { session: sessionId });
    await em.flush();
  }

  async createToken(
    actor: Actor,
    name: string,
    scopes: Scope[],
    expiresAt: Date | null,
  ): Promise<{ token: string; apiToken: ApiToken }> {
    if (actor.memberId === null) throw new AppError('FORBIDDEN', 'tokens belong to a member account');
    // A token must not mint a stronger one: the route declares no scope, so check it here.
    const beyond = scopes.filter((s) => !hasScope(actor, s));
    if (beyond.length > 0) {
      throw new AppError('FORBIDDEN', `a token cannot grant scopes it lacks itself: ${beyond.join(', ')}`);
    }
    const em = this.orm.em.fork();
    const token = newToken('am_');
    const apiToken = em.create(ApiToken, {
      name,
      tokenHash: tokenHash(token),
      scopes,
      owner: actor.memberId,
      expiresAt,
    });
    this.audit.record(em, actor, 'auth.token.create', `member:${actor.memberId}`, { name, scopes });
    await em.flush();
    return { token, apiToken };
  }

  async tokensOf(memberId: number): Promise<ApiToken[]> {
    return this.orm.em.fork().find(ApiToken, { owner: memberId, revokedAt: null }, { orderBy: { createdAt: 'desc' } });
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    const em = this.orm.em.fork();
    const token = await em.findOne(ApiToken, { id });
    if (!token || (token.owner.id !== actor.memberId && !hasRole(actor, 'admin'))) throw AppError.notFound('token');
    token.revokedAt ??= new Date();
    this.audit.record(em, actor, 'auth.token.revoke', `member:${token.owner.id}`, { token: id });
    await em.flush();
  }

  // Sets the one password; every open session of the member ends with it.
  async setPassword(em: EntityManager, actor: Actor, member: Member, password: string): Promise<void> {
    const problems = passwordProblems(password, [member.username, member.firstName, member.lastName]);
    if (problems.length > 0) throw AppError.validation(problems.map((message) => ({ field: 'password', message })));
    member.passwordHash = await hashPassword(password);
    await em.nativeUpdate(Session, { member, revokedAt: null }, { revokedAt: new Date() });
    this.audit.record(em, actor, 'auth.password.set', `member:${member.id}`);
  }
}
