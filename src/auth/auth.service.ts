import { EntityManager, MikroORM, type FilterQuery } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { hasRole, hasScope, roleOfRank, type Actor, type Scope } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { dummyPasswordHash, hashPassword, newToken, tokenHash, verifyPassword } from '../core/crypto.util.js';
import { RateLimitService, type RateLimitRule } from '../core/rate-limit.service.js';
import { Member } from '../members/entities/member.entity.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { ApiToken } from './entities/api-token.entity.js';
import { Session } from './entities/session.entity.js';
import { passwordFieldProblems } from './password-policy.js';

export const SESSION_COOKIE = 'allmende_session';

// The highest role any of the member's groups grants, as a rank (see roleOfRank).
const ROLE_RANK_SQL = `(select coalesce(max(case g.grants_role when 'admin' then 3 when 'board' then 2
    when 'helper' then 1 else 0 end), 0)::int
  from group_membership gm join member_group g on g.id = gm.group_id where gm.member_id = m.id)`;

interface CredentialRow {
  id: string;
  touched_at: Date | string | null;
  member_id: number;
  username: string;
  rank: number;
}

function isStale(touched: Date | string | null): boolean {
  return touched === null || Date.now() - new Date(touched).getTime() > 60_000;
}
const LOGIN_STATES = new Set(['registered', 'active']);

export interface CredentialCheck {
  // Lower-cased; names the account's rate-limit counter and the audit entry.
  identifier: string;
  where: FilterQuery<Member>;
  password: string;
  // The states in which the member may log in this way.
  states: ReadonlySet<string>;
  // Further counters besides the account's (the client address, a service token).
  limits: { key: string; rule: RateLimitRule }[];
  clientAddress: string | null;
  failedAction: string;
  auditDetails?: Record<string, unknown>;
  // Replaces the Argon2 verification (e.g. with a cache in front of it); memberId is null for
  // the dummy hash.
  verify?: (phc: string, password: string, memberId: number | null) => Promise<boolean>;
}

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
    private readonly outbox: OutboxService,
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
    const em = this.orm.em.fork();
    const { member, actor } = await this.checkCredentials(em, {
      identifier: id,
      where: { $or: [{ username: id }, { privateEmail: id }] },
      password,
      states: LOGIN_STATES,
      limits: [{ key: `login:address:${clientAddress ?? 'unknown'}`, rule: this.addressRule }],
      clientAddress,
      failedAction: 'auth.login.failed',
    });
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

  // The password check behind every login (the web's and the Jabber server's), without a session.
  // Limits: the account's failures (one counter per identifier, shared by every way in) and the
  // caller's extra keys; on success the account's counter starts afresh. A member who is not
  // found is checked against a dummy hash, so every failure costs the same time.
  // Throws RATE_LIMITED while a limit is reached, UNAUTHENTICATED on any failure.
  async checkCredentials(em: EntityManager, check: CredentialCheck): Promise<{ member: Member; actor: Actor }> {
    const accountKey = `login:account:${check.identifier}`;
    const limits = [{ key: accountKey, rule: this.accountRule }, ...check.limits];
    const { wait, counted } = await this.limits.check(limits);
    if (wait > 0) {
      throw new AppError('RATE_LIMITED', `too many failed logins; try again in ${wait} seconds`, {
        retryAfterSeconds: wait,
      });
    }
    const member = await em.findOne(Member, check.where);
    const hash = member?.passwordHash ?? (await dummyPasswordHash());
    const verify = check.verify ?? ((phc: string, pw: string) => verifyPassword(phc, pw));
    const ok =
      (await verify(hash, check.password, member?.passwordHash ? member.id : null)) &&
      member !== null &&
      member.passwordHash !== null &&
      check.states.has(member.state);
    const actor: Actor = {
      kind: 'system',
      memberId: member?.id ?? null,
      label: member?.username ?? check.identifier.slice(0, 64),
      role: 'member',
      scopes: [],
      clientAddress: check.clientAddress,
    };
    if (!ok || !member) {
      for (const { key, rule } of limits) await this.limits.hit(key, rule);
      this.audit.record(em, actor, check.failedAction, member ? `member:${member.id}` : null, {
        identifier: check.identifier.slice(0, 64),
        ...check.auditDetails,
      });
      await em.flush();
      throw new AppError('UNAUTHENTICATED', 'wrong username or password');
    }
    // Nothing to start afresh when the account has no counter (the usual case): saves a write.
    if (counted.has(accountKey)) await this.limits.reset(accountKey);
    return { member, actor };
  }

  async logout(actor: Actor): Promise<void> {
    if (!actor.sessionId) return;
    await this.revokeSession(actor, actor.sessionId);
  }

  // The actor behind a session cookie or a bearer token, or null.
  // The actor behind a session cookie or a bearer token, or null. One query per request
  // (credential, owner and role together): it runs before every authenticated route.
  async authenticate(
    sessionToken: string | undefined,
    bearer: string | undefined,
    clientAddress: string | null,
  ): Promise<Actor | null> {
    if (bearer) return this.fromApiToken(bearer, clientAddress);
    if (!sessionToken) return null;
    const em = this.orm.em.fork();
    const row = (
      await em.execute<(CredentialRow & { display_name: string; language: 'de' | 'en' | null })[]>(
        `select s.id, s.last_seen_at as touched_at, m.id as member_id, m.username, m.display_name, m.language,
                ${ROLE_RANK_SQL} as rank
           from session s join member m on m.id = s.member_id
          where s.token_hash = ? and s.revoked_at is null and s.expires_at > now()
            and m.state in ('registered', 'active')`,
        [tokenHash(sessionToken)],
      )
    )[0];
    if (!row) return null;
    // Touch at most once a minute: a write per request would be wasteful.
    if (isStale(row.touched_at)) await em.execute('update session set last_seen_at = now() where id = ?', [row.id]);
    return {
      kind: 'member',
      memberId: row.member_id,
      label: row.username,
      role: roleOfRank(row.rank),
      scopes: 'all',
      clientAddress,
      sessionId: row.id,
      member: { displayName: row.display_name, language: row.language },
    };
  }

  private async fromApiToken(bearer: string, clientAddress: string | null): Promise<Actor | null> {
    const em = this.orm.em.fork();
    const row = (
      await em.execute<(CredentialRow & { name: string; scopes: string[] | string })[]>(
        `select t.id, t.name, t.scopes, t.last_used_at as touched_at, m.id as member_id, m.username,
                ${ROLE_RANK_SQL} as rank
           from api_token t join member m on m.id = t.owner_id
          where t.token_hash = ? and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
            and m.state = 'active'`,
        [tokenHash(bearer)],
      )
    )[0];
    if (!row) return null;
    if (isStale(row.touched_at)) await em.execute('update api_token set last_used_at = now() where id = ?', [row.id]);
    const scopes = Array.isArray(row.scopes) ? row.scopes : row.scopes.replace(/^\{|\}$/g, '').split(',');
    return {
      kind: 'token',
      memberId: row.member_id,
      label: `${row.username} (token ${row.name})`,
      role: roleOfRank(row.rank),
      scopes: scopes.filter((x) => x !== '') as Scope[],
      clientAddress,
      tokenId: row.id,
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

  // Sets the one password; every open session of the member ends with it, but for `keepSession`
  // (the one a logged-in member changes it from).
  async setPassword(
    em: EntityManager,
    actor: Actor,
    member: Member,
    password: string,
    keepSession?: string,
  ): Promise<void> {
    const problems = passwordFieldProblems('password', password, [member.username, member.firstName, member.lastName]);
    if (problems.length > 0) throw AppError.validation(problems);
    member.passwordHash = await hashPassword(password);
    await em.nativeUpdate(
      Session,
      { member, revokedAt: null, ...(keepSession ? { id: { $ne: keepSession } } : {}) },
      { revokedAt: new Date() },
    );
    this.audit.record(em, actor, 'auth.password.set', `member:${member.id}`);
  }

  // A logged-in member changes their password: the current one first (a wrong one counts as a
  // failed login, under the same limits), then the policy. Their other sessions end; the one
  // they are using stays. A notice goes to the private address.
  // Throws VALIDATION_FAILED naming `currentPassword` or `password`, or RATE_LIMITED.
  async changePassword(actor: Actor, current: string, password: string): Promise<void> {
    if (actor.memberId === null) throw new AppError('FORBIDDEN', 'passwords belong to a member account');
    const memberId = actor.memberId;
    // Checked outside the change's transaction: a failure's count and audit entry must stay.
    const check = this.orm.em.fork();
    const who = await check.findOne(Member, { id: memberId }, { fields: ['username', 'firstName', 'lastName'] });
    if (!who) throw AppError.notFound('member');
    // Both kinds of problem at once, so the form names every field that needs another try.
    const problems = passwordFieldProblems('password', password, [who.username, who.firstName, who.lastName]);
    try {
      await this.checkCredentials(check, {
        identifier: who.username,
        where: { id: memberId },
        password: current,
        states: LOGIN_STATES,
        limits: [],
        clientAddress: actor.clientAddress,
        failedAction: 'auth.password.change.failed',
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'UNAUTHENTICATED') {
        const wrong = {
          field: 'currentPassword',
          message: 'is not your current password',
          key: 'password.notCurrent' as const,
        };
        throw AppError.validation([wrong, ...problems]);
      }
      throw err;
    }
    if (problems.length > 0) throw AppError.validation(problems);
    await this.orm.em.fork().transactional(async (em) => {
      const member = await em.findOneOrFail(Member, { id: memberId });
      await this.setPassword(em, actor, member, password, actor.sessionId);
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
