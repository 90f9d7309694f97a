import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { passwordFieldProblems } from '../auth/password-policy.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { hashPassword } from '../core/crypto.util.js';
import { Group } from '../members/entities/group.entity.js';
import { Member } from '../members/entities/member.entity.js';
import { Revision } from '../members/entities/revision.entity.js';
import {
  memberAddresses,
  NO_PRIVATE_ADDRESS,
  PSEUDONYM_NEEDS_NUMBER,
  type MemberAddresses,
} from '../members/member-addresses.js';
import { MailAlias } from './entities/mail-alias.entity.js';
import { MailDomain } from './entities/mail-domain.entity.js';
import { Mailbox } from './entities/mailbox.entity.js';
import { aliasLoop, isDomainName, normaliseAddress } from './mail-address.util.js';
import { MAIL_LOCK_SQL } from './mail.reconciler.js';
import type { MailChoicesInput } from './mail.schemas.js';

export interface MailboxView {
  id: number;
  address: string;
  origin: string;
  memberId: number | null;
  login: string;
  quotaMb: number | null;
  endedAt: string | null;
  receiveUntil: string | null;
}

export interface AliasView {
  id: number;
  source: string;
  destination: string;
  origin: string;
  memberId: number | null;
  groupId: number | null;
  receiveUntil: string | null;
}

// What a member's club mail looks like right now (the reconciler's rows, not the wishes).
export interface MemberMailView {
  // The member's choices and what they would give (the reconciler makes them real within seconds).
  choices: { namedAddress: boolean; pseudonymousAddress: boolean; forwardToPrivate: boolean; keepCopy: boolean };
  addresses: MemberAddresses;
  // Whether a pseudonymous address and a forward are possible at all.
  canPseudonymous: boolean;
  privateEmail: string | null;
  mailbox: { address: string; login: string } | null;
  // Addresses that deliver somewhere on the member's behalf: forwards, the copy, old usernames.
  aliases: { source: string; destination: string }[];
  // Team addresses of the member's groups.
  teams: { address: string; group: string }[];
}

function field(name: string, message: string): AppError {
  return AppError.validation([{ field: name, message }]);
}

// The board's part of the mail tables: domains, manual mailboxes and aliases, team addresses.
// Every write takes the reconciler's lock and checks the address against every row, derived or
// manual, so nothing is given twice and no alias loop can be made.
@Injectable()
export class MailService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async domains(): Promise<{ name: string; mailboxes: number; aliases: number }[]> {
    return this.orm.em.fork().execute(
      `select d.name,
              (select count(*)::int from mailbox b where b.domain_id = d.id) as mailboxes,
              (select count(*)::int from mail_alias a where a.source like '%@' || d.name) as aliases
         from mail_domain d order by d.name`,
    );
  }

  async addDomain(actor: Actor, input: string): Promise<{ name: string }> {
    const name = input.trim().toLowerCase();
    if (!isDomainName(name)) throw field('name', 'must be a domain name, e.g. example.org (ASCII; punycode for IDNs)');
    return this.locked(async (em) => {
      if (await em.count(MailDomain, { name })) throw new AppError('CONFLICT', `${name} is managed already`);
      em.create(MailDomain, { name });
      this.audit.record(em, actor, 'mail.domain.add', `mail-domain:${name}`);
      return { name };
    });
  }

  async removeDomain(actor: Actor, name: string): Promise<void> {
    await this.locked(async (em) => {
      const domain = await em.findOne(MailDomain, { name });
      if (!domain) throw AppError.notFound('mail domain');
      if (name === this.config.mail.domain) {
        throw new AppError('INVALID_STATE', `${name} is ALLMENDE_MAIL_DOMAIN, the members' domain`);
      }
      const used = await em.count(Mailbox, { domain });
      const aliases = await em.count(MailAlias, { source: { $like: `%@${name}` } });
      if (used + aliases > 0) {
        throw new AppError('INVALID_STATE', `${name} still has ${used} mailbox(es) and ${aliases} alias(es)`);
      }
      em.remove(domain);
      this.audit.record(em, actor, 'mail.domain.remove', `mail-domain:${name}`);
    });
  }

  async mailboxes(origin?: string): Promise<MailboxView[]> {
    const rows = await this.orm.em.fork().find(Mailbox, origin ? { origin: origin as 'member' | 'manual' } : {}, {
      orderBy: { address: 'asc' },
    });
    return rows.map((b) => ({
      id: b.id,
      address: b.address,
      origin: b.origin,
      memberId: b.member?.id ?? null,
      login: b.login,
      quotaMb: b.quotaMb ?? null,
      endedAt: b.endedAt?.toISOString() ?? null,
      receiveUntil: b.receiveUntil?.toISOString() ?? null,
    }));
  }

  async createMailbox(
    actor: Actor,
    input: { address: string; password: string; quotaMb?: number | null },
  ): Promise<MailboxView> {
    const a = this.address('address', input.address);
    const problems = passwordFieldProblems('password', input.password, [a.local]);
    if (problems.length > 0) throw AppError.validation(problems);
    const hash = await hashPassword(input.password);
    const id = await this.locked(async (em) => {
      const domain = await this.managed(em, a.domain);
      await this.assertFree(em, a.address);
      const box = em.create(Mailbox, {
        address: a.address,
        domain,
        origin: 'manual',
        member: null,
        login: a.address,
        passwordHash: hash,
        quotaMb: input.quotaMb ?? null,
        maildir: `${a.domain}/${a.local}/`,
      });
      await em.flush();
      this.audit.record(em, actor, 'mail.mailbox.create', `mailbox:${box.id}`, { address: a.address });
      return box.id;
    });
    const view = (await this.mailboxes()).find((b) => b.id === id);
    if (!view) throw AppError.notFound('mailbox');
    return view;
  }

  async setMailboxPassword(actor: Actor, id: number, password: string): Promise<void> {
    const box = await this.manualMailbox(this.orm.em.fork(), id);
    const problems = passwordFieldProblems('password', password, [box.address.split('@')[0] ?? '']);
    if (problems.length > 0) throw AppError.validation(problems);
    const hash = await hashPassword(password);
    await this.locked(async (em) => {
      const locked = await this.manualMailbox(em, id);
      locked.passwordHash = hash;
      this.audit.record(em, actor, 'mail.mailbox.password', `mailbox:${id}`);
    });
  }

  async deleteMailbox(actor: Actor, id: number): Promise<void> {
    await this.locked(async (em) => {
      const box = await this.manualMailbox(em, id);
      const pointing = await em.count(MailAlias, { destination: box.address });
      if (pointing > 0) {
        throw new AppError('INVALID_STATE', `${pointing} alias(es) still deliver to ${box.address}: remove them first`);
      }
      em.remove(box);
      this.audit.record(em, actor, 'mail.mailbox.delete', `mailbox:${id}`, { address: box.address });
    });
  }

  async aliases(source?: string): Promise<AliasView[]> {
    const rows = await this.orm.em.fork().find(MailAlias, source ? { source: source.toLowerCase() } : {}, {
      orderBy: { source: 'asc', destination: 'asc' },
    });
    return rows.map((a) => ({
      id: a.id,
      source: a.source,
      destination: a.destination,
      origin: a.origin,
      memberId: a.member?.id ?? null,
      groupId: a.group?.id ?? null,
      receiveUntil: a.receiveUntil?.toISOString() ?? null,
    }));
  }

  async createAlias(actor: Actor, input: { source: string; destination: string }): Promise<AliasView> {
    const source = this.address('source', input.source);
    const destination = this.address('destination', input.destination);
    const id = await this.locked(async (em) => {
      await this.managed(em, source.domain);
      // A manual alias may have several destinations; anything else at that address is refused.
      const manualSource = await em.count(MailAlias, { source: source.address, origin: 'manual' });
      if (!manualSource) await this.assertFree(em, source.address);
      if (await em.count(MailAlias, { source: source.address, destination: destination.address })) {
        throw new AppError('CONFLICT', `${source.address} → ${destination.address} exists already`);
      }
      const edges = new Map<string, string[]>();
      for (const e of await em.execute<{ source: string; destination: string }[]>(
        `select source, destination from mail_alias`,
      )) {
        edges.set(e.source, [...(edges.get(e.source) ?? []), e.destination]);
      }
      const loop = aliasLoop(edges, source.address, destination.address);
      if (loop) throw field('destination', `would make a loop: ${loop.join(' → ')}`);
      const alias = em.create(MailAlias, {
        source: source.address,
        destination: destination.address,
        origin: 'manual',
        member: null,
        group: null,
      });
      await em.flush();
      this.audit.record(em, actor, 'mail.alias.create', `mail-alias:${alias.id}`, {
        source: source.address,
        destination: destination.address,
      });
      return alias.id;
    });
    const view = (await this.aliases(source.address)).find((a) => a.id === id);
    if (!view) throw AppError.notFound('alias');
    return view;
  }

  async deleteAlias(actor: Actor, id: number): Promise<void> {
    await this.locked(async (em) => {
      const alias = await em.findOne(MailAlias, { id });
      if (!alias) throw AppError.notFound('alias');
      if (alias.origin !== 'manual') {
        throw new AppError(
          'INVALID_STATE',
          `this alias is derived from a ${alias.origin}: change the ${alias.origin} instead`,
        );
      }
      em.remove(alias);
      this.audit.record(em, actor, 'mail.alias.delete', `mail-alias:${id}`, { source: alias.source });
    });
  }

  // A group's team address; the reconciler makes the rows to its members.
  async setTeamAddress(
    actor: Actor,
    slug: string,
    input: string | null,
  ): Promise<{ slug: string; mailAddress: string | null }> {
    const a = input === null ? null : this.address('address', input);
    return this.locked(async (em) => {
      const group = await em.findOne(Group, { slug });
      if (!group) throw AppError.notFound('group');
      if (a) {
        await this.managed(em, a.domain);
        if (group.mailAddress !== a.address) {
          await this.assertFree(em, a.address);
          const other = await em.findOne(Group, { mailAddress: a.address });
          if (other) throw new AppError('CONFLICT', `${a.address} is the address of group ${other.slug}`);
        }
      }
      group.mailAddress = a?.address ?? null;
      this.audit.record(em, actor, 'mail.team-address', `group:${slug}`, { address: group.mailAddress });
      return { slug, mailAddress: group.mailAddress };
    });
  }

  // The member's own choices after registration (the board may change them too).
  async ofMember(memberId: number): Promise<MemberMailView> {
    const em = this.orm.em.fork();
    const member = await em.findOne(Member, { id: memberId });
    if (!member || member.erasedAt) throw AppError.notFound('member');
    const [box, aliases, teams] = await Promise.all([
      em.findOne(Mailbox, { member: memberId, origin: 'member', endedAt: null }),
      em.find(MailAlias, { member: memberId, origin: 'member' }, { orderBy: { source: 'asc', destination: 'asc' } }),
      em.execute<{ address: string; group: string }[]>(
        `select g.mail_address as address, g.name as "group"
           from member_group g join group_membership gm on gm.group_id = g.id
          where gm.member_id = ? and g.mail_address is not null order by g.mail_address`,
        [memberId],
      ),
    ]);
    return {
      choices: {
        namedAddress: member.wantsNamedAddress,
        pseudonymousAddress: member.wantsPseudonymousAddress,
        forwardToPrivate: member.forwardToPrivate,
        keepCopy: member.keepCopy,
      },
      addresses: memberAddresses(member, this.config.mail.domain, this.config.mail.pseudonymPattern),
      canPseudonymous: Boolean(member.memberNumber),
      privateEmail: member.privateEmail ?? null,
      mailbox: box ? { address: box.address, login: box.login } : null,
      aliases: aliases.map((a) => ({ source: a.source, destination: a.destination })),
      teams,
    };
  }

  async setChoices(actor: Actor, memberId: number, input: MailChoicesInput): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const member = await em.findOne(Member, { id: memberId });
      if (!member || member.erasedAt) throw AppError.notFound('member');
      if (input.pseudonymousAddress && !member.memberNumber) {
        throw AppError.validation([PSEUDONYM_NEEDS_NUMBER]);
      }
      if (input.forwardToPrivate && !member.privateEmail) throw AppError.validation([NO_PRIVATE_ADDRESS]);
      const map = {
        namedAddress: 'wantsNamedAddress',
        pseudonymousAddress: 'wantsPseudonymousAddress',
        forwardToPrivate: 'forwardToPrivate',
        keepCopy: 'keepCopy',
      } as const;
      const changes = [];
      for (const [key, prop] of Object.entries(map) as [keyof typeof map, (typeof map)[keyof typeof map]][]) {
        const value = input[key];
        if (value === undefined || value === member[prop]) continue;
        changes.push({ field: prop, old: member[prop], new: value });
        member[prop] = value;
      }
      if (changes.length === 0) return;
      em.create(Revision, { member, kind: 'update', changes, actorId: actor.memberId, actorLabel: actor.label });
      this.audit.record(em, actor, 'member.mail-choices', `member:${memberId}`, {
        fields: changes.map((c) => c.field),
      });
    });
  }

  private address(name: string, input: string) {
    const a = normaliseAddress(input);
    if (!a.ok) throw field(name, a.problem);
    return a;
  }

  private async managed(em: EntityManager, domain: string): Promise<MailDomain> {
    const d = await em.findOne(MailDomain, { name: domain });
    if (!d) throw field('address', `${domain} is not a mail domain allmende manages (add it under /api/mail/domains)`);
    return d;
  }

  // Free: no mailbox has it, no alias starts from it, no group uses it.
  private async assertFree(em: EntityManager, address: string): Promise<void> {
    const box = await em.findOne(Mailbox, { address });
    if (box) {
      throw new AppError('CONFLICT', `${address} is a ${box.origin === 'member' ? "member's" : 'manual'} mailbox`, {
        fields: [{ field: 'address', message: 'already in use' }],
      });
    }
    const alias = await em.findOne(MailAlias, { source: address });
    if (alias) {
      throw new AppError('CONFLICT', `${address} is already an alias (${alias.origin})`, {
        fields: [{ field: 'address', message: 'already in use' }],
      });
    }
    if (await em.count(Group, { mailAddress: address })) {
      throw new AppError('CONFLICT', `${address} is a team address`, {
        fields: [{ field: 'address', message: 'already in use' }],
      });
    }
  }

  private async manualMailbox(em: EntityManager, id: number): Promise<Mailbox> {
    const box = await em.findOne(Mailbox, { id });
    if (!box) throw AppError.notFound('mailbox');
    if (box.origin !== 'manual') {
      throw new AppError('INVALID_STATE', `${box.address} belongs to a member: it follows the member store`);
    }
    return box;
  }

  private locked<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.orm.em.fork().transactional(async (em) => {
      await em.execute(MAIL_LOCK_SQL);
      return fn(em);
    });
  }
}
