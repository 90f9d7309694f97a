import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { passwordFieldProblems } from '../auth/password-policy.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { selfActor, type Actor } from '../core/actor.js';
import { AppError, type FieldProblem } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { hashPassword } from '../core/crypto.util.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { Member } from './entities/member.entity.js';
import { Revision } from './entities/revision.entity.js';
import { invalidLink, LinkTokenService, linkUrl } from './link-token.service.js';
import { memberAddresses, NO_PRIVATE_ADDRESS, PSEUDONYM_NEEDS_NUMBER } from './member-addresses.js';
import type { RegistrationInput } from './registration.schemas.js';

const DAY_MS = 24 * 3600_000;

// What the registration page shows before the member decides.
export interface RegistrationPreview {
  displayName: string;
  username: string;
  memberNumber: string | null;
  namedAddress: string | null;
  pseudonymousAddress: string | null;
  privateEmail: string | null;
  expiresAt: string;
}

export interface RegistrationResult {
  username: string;
  state: 'registered';
  serviceAccess: boolean;
}

// Welcome mail and self-registration: intake → welcome link → registration → board notice.
// Activation (and its notice to the member) is a state change, see MembersService.changeState.
@Injectable()
export class RegistrationService {
  constructor(
    private readonly orm: MikroORM,
    private readonly links: LinkTokenService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Inside the caller's transaction (the intake's): the mail commits with the member.
  async sendWelcome(em: EntityManager, actor: Actor, member: Member): Promise<{ expiresAt: Date }> {
    if (member.state !== 'invited') {
      throw AppError.of('INVALID_STATE', {
        message: `${member.username} is ${member.state}: a welcome mail is only for invited members`,
        key: 'member.welcomeState',
        params: { username: member.username, state: member.state },
      });
    }
    if (!member.privateEmail) {
      throw AppError.validation([
        {
          field: 'privateEmail',
          message: 'the member has no private address to send the welcome mail to',
          key: 'member.welcomeNoAddress',
        },
      ]);
    }
    const { key, expiresAt } = await this.links.issue(
      em,
      member,
      'registration',
      this.config.lifecycle.registrationTtlDays * DAY_MS,
    );
    this.outbox.enqueue(em, {
      to: member.privateEmail,
      template: 'welcome',
      language: this.outbox.languageFor(member.language),
      data: {
        displayName: member.displayName,
        registrationUrl: linkUrl(this.config.http.publicUrl, 'register', member.id, key),
        expiresAt: expiresAt.toISOString(),
      },
      memberId: member.id,
    });
    this.audit.record(em, actor, 'member.welcome.sent', `member:${member.id}`, { expiresAt });
    return { expiresAt };
  }

  // The board sends it again: a new link, the old one stops working.
  async resendWelcome(actor: Actor, memberId: number): Promise<{ expiresAt: string }> {
    return this.orm.em.fork().transactional(async (em) => {
      const member = await em.findOne(Member, { id: memberId });
      if (!member) throw AppError.notFound('member');
      const { expiresAt } = await this.sendWelcome(em, actor, member);
      return { expiresAt: expiresAt.toISOString() };
    });
  }

  async preview(memberId: number, key: string): Promise<RegistrationPreview> {
    return this.orm.em.fork().transactional(async (em) => {
      const { member, token } = await this.links.check(em, memberId, key, 'registration');
      if (member.state !== 'invited') throw invalidLink('registration');
      const offer = memberAddresses(
        { ...member, wantsNamedAddress: true, wantsPseudonymousAddress: true },
        this.config.mail.domain,
        this.config.mail.pseudonymPattern,
      );
      return {
        displayName: member.displayName,
        username: member.username,
        memberNumber: member.memberNumber ?? null,
        namedAddress: offer.named,
        pseudonymousAddress: offer.pseudonymous,
        privateEmail: member.privateEmail ?? null,
        expiresAt: token.expiresAt.toISOString(),
      };
    });
  }

  async register(memberId: number, key: string, input: RegistrationInput): Promise<RegistrationResult> {
    // A forged link costs a lookup, not a hash. Hashing (~30 ms on the thread pool) then happens
    // before the transaction that locks the key; the key is checked again under the lock.
    await this.orm.em.fork().transactional((em) => this.links.check(em, memberId, key, 'registration'));
    const hash = input.password ? await hashPassword(input.password) : null;
    return this.orm.em.fork().transactional(async (em) => {
      const { member, token } = await this.links.check(em, memberId, key, 'registration');
      if (member.state !== 'invited') throw invalidLink('registration');
      const problems = this.problems(member, input);
      // A refused choice keeps the link: the member corrects the form and sends it again.
      if (problems.length > 0) throw AppError.validation(problems);
      const now = new Date();
      const changes = [
        { field: 'state', old: member.state, new: 'registered' },
        { field: 'wantsNamedAddress', old: member.wantsNamedAddress, new: input.namedAddress },
        { field: 'wantsPseudonymousAddress', old: member.wantsPseudonymousAddress, new: input.pseudonymousAddress },
        { field: 'forwardToPrivate', old: member.forwardToPrivate, new: input.forwardToPrivate },
        ...(hash ? [{ field: 'password', old: null, new: '(set)' }] : []),
      ];
      em.assign(member, {
        state: 'registered',
        registeredAt: now,
        wantsNamedAddress: input.namedAddress,
        wantsPseudonymousAddress: input.pseudonymousAddress,
        forwardToPrivate: input.forwardToPrivate,
        passwordHash: hash,
        ...(input.language ? { language: input.language } : {}),
      });
      await this.links.consume(em, token);
      const actor = selfActor(member);
      em.create(Revision, { member, kind: 'registration', changes, actorId: member.id, actorLabel: member.username });
      this.audit.record(em, actor, 'member.registered', `member:${member.id}`, { serviceAccess: hash !== null });
      this.notifyBoard(em, member);
      return { username: member.username, state: 'registered', serviceAccess: hash !== null };
    });
  }

  private problems(member: Member, input: RegistrationInput): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (input.pseudonymousAddress && !member.memberNumber) problems.push(PSEUDONYM_NEEDS_NUMBER);
    if (input.password) {
      const personal = [member.username, member.firstName, member.lastName];
      problems.push(...passwordFieldProblems('password', input.password, personal));
    }
    if (input.forwardToPrivate && !member.privateEmail) problems.push(NO_PRIVATE_ADDRESS);
    return problems;
  }

  // The pending item is the member's state (GET /api/registrations); the mail tells the board.
  private notifyBoard(em: EntityManager, member: Member): void {
    const to = this.config.mail.boardAddress;
    if (!to) return;
    this.outbox.enqueue(em, {
      to,
      template: 'board-registration',
      language: this.config.defaultLanguage,
      data: {
        displayName: member.displayName,
        username: member.username,
        memberUrl: `${this.config.http.publicUrl}/members/${member.id}`,
      },
      memberId: member.id,
    });
  }
}
