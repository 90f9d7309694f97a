import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { CatalogService } from './catalog.service.js';
import { Member } from './entities/member.entity.js';
import { MembershipPeriod } from './entities/membership-period.entity.js';
import { Revision } from './entities/revision.entity.js';
import { UsedUsername } from './entities/used-username.entity.js';
import { GroupsService } from './groups.service.js';
import { today } from './membership-periods.js';
import { RegistrationService } from './registration.service.js';
import { duplicateError, fromUniqueViolation } from './members.errors.js';
import type { IntakeInput } from './members.schemas.js';
import {
  deriveUsername,
  escapeUsernamePattern,
  isValidUsername,
  reservedUsernames,
  usernameBase,
} from './username.util.js';

// Hands out usernames against everything ever given (used_username outlives deleted members).
export class UsernameAllocator {
  constructor(
    private readonly taken: Set<string>,
    private readonly reserved: ReadonlySet<string>,
  ) {}

  allocate(firstName: string, lastName: string): string {
    const username = deriveUsername(firstName, lastName, (c) => this.taken.has(c), this.reserved);
    this.taken.add(username);
    return username;
  }
}

@Injectable()
export class MemberIntakeService {
  private readonly reserved: ReadonlySet<string>;

  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly catalog: CatalogService,
    private readonly groups: GroupsService,
    private readonly registration: RegistrationService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.reserved = reservedUsernames(config.reservedUsernames);
  }

  // With `welcome`, a member with a private address gets the welcome mail (in the same transaction).
  async intake(actor: Actor, input: IntakeInput, { welcome = false } = {}): Promise<Member> {
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        const base = usernameBase(input.firstName, input.lastName);
        const allocator = await this.allocatorFor(em, [base]);
        await this.assertUnique(em, input);
        const member = await this.intakeIn(em, actor, input, allocator);
        if (welcome && member.privateEmail) await this.registration.sendWelcome(em, actor, member);
        return member;
      });
    } catch (err) {
      throw fromUniqueViolation(err, { memberNumber: input.memberNumber, privateEmail: input.privateEmail }) ?? err;
    }
  }

  // Loads the usernames that could collide: all of them when bases is undefined (imports).
  async allocatorFor(em: EntityManager, bases?: readonly string[]): Promise<UsernameAllocator> {
    let rows: { username: string }[];
    if (bases === undefined) {
      rows = await em.execute('select username from used_username');
    } else {
      rows = await em.execute(
        `select username from used_username where ${bases.map(() => `username ~ ?`).join(' or ') || 'false'}`,
        bases.map((b) => `^${escapeUsernamePattern(b)}[0-9]*$`),
      );
    }
    return new UsernameAllocator(new Set(rows.map((r) => r.username)), this.reserved);
  }

  // An explicit rename by the board. The old name stays taken (used_username keeps it with the
  // member, so the mail module can keep the old named address as an alias).
  async rename(actor: Actor, id: number, username: string): Promise<void> {
    if (!isValidUsername(username)) {
      throw AppError.validation([
        {
          field: 'username',
          message: 'lower-case letters, digits, "." and "-", beginning and ending with a letter or digit',
          key: 'username.chars',
        },
      ]);
    }
    if (this.reserved.has(username)) {
      throw AppError.validation([{ field: 'username', message: 'is reserved', key: 'username.reserved' }]);
    }
    await this.orm.em.fork().transactional(async (em) => {
      const member = await em.findOne(Member, { id });
      if (!member || member.erasedAt) throw AppError.notFound('member');
      if (member.username === username) return;
      const taken = await em.findOne(UsedUsername, { username });
      if (taken) {
        throw new AppError('CONFLICT', `username "${username}" is or was in use and is never given again`, {
          fields: [{ field: 'username', message: 'is or was in use', key: 'username.used' }],
        });
      }
      em.create(UsedUsername, { username, memberId: member.id });
      em.create(Revision, {
        member,
        kind: 'rename',
        changes: [{ field: 'username', old: member.username, new: username }],
        actorId: actor.memberId,
        actorLabel: actor.label,
      });
      this.audit.record(em, actor, 'member.rename', `member:${id}`, { from: member.username, to: username });
      member.username = username;
    });
  }

  private async assertUnique(em: EntityManager, input: IntakeInput): Promise<void> {
    if (input.memberNumber && (await em.count(Member, { memberNumber: input.memberNumber }))) {
      throw duplicateError('memberNumber', input.memberNumber);
    }
    if (input.privateEmail && (await em.count(Member, { privateEmail: input.privateEmail }))) {
      throw duplicateError('privateEmail', input.privateEmail);
    }
  }

  // The intake itself, inside the caller's transaction (also used row by row by the import).
  async intakeIn(em: EntityManager, actor: Actor, input: IntakeInput, allocator: UsernameAllocator): Promise<Member> {
    const status = await this.catalog.requireStatus(em, input.status ?? 'member');
    const username = allocator.allocate(input.firstName, input.lastName);
    const member = em.create(Member, {
      memberNumber: input.memberNumber ?? null,
      firstName: input.firstName,
      lastName: input.lastName,
      displayName: `${input.firstName} ${input.lastName}`,
      username,
      privateEmail: input.privateEmail ?? null,
      language: input.language ?? null,
      state: 'invited',
      profile: {},
    });
    em.create(MembershipPeriod, { member, status, begin: input.since ?? today(), end: null });
    await em.flush(); // the member id is needed below
    em.create(UsedUsername, { username, memberId: member.id });
    em.create(Revision, {
      member,
      kind: 'intake',
      changes: [
        { field: 'username', old: null, new: username },
        { field: 'firstName', old: null, new: input.firstName },
        { field: 'lastName', old: null, new: input.lastName },
        { field: 'memberNumber', old: null, new: input.memberNumber ?? null },
        { field: 'privateEmail', old: null, new: input.privateEmail ?? null },
        { field: 'status', old: null, new: status.code },
      ],
      actorId: actor.memberId,
      actorLabel: actor.label,
    });
    for (const slug of input.groups ?? []) await this.groups.addMember(em, actor, member, slug);
    this.audit.record(em, actor, 'member.intake', `member:${member.id}`, { username });
    return member;
  }
}
