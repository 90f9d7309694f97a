import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { hasRole, type Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { Group } from '../members/entities/group.entity.js';
import { Member } from '../members/entities/member.entity.js';
import { MembershipStatus } from '../members/entities/membership-status.entity.js';
import { ListOptIn } from './entities/list-opt-in.entity.js';
import { MailingList } from './entities/mailing-list.entity.js';
import type { ListInput } from './mailing-lists.schemas.js';

export interface ListView {
  id: number;
  address: string;
  description: string | null;
  source: MailingList['source'];
  group: string | null;
  status: string | null;
  addressKind: MailingList['addressKind'];
  exclusive: boolean;
}

// A member's view of the lists: the opt-in ones with their choice, and those they are on anyway.
export interface MemberListsView {
  optIn: (ListView & { optedIn: boolean })[];
  automatic: ListView[];
}

// The lists allmende feeds and who opted in. Changes reach Mailman through the sync triggers.
@Injectable()
export class MailingListsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<ListView[]> {
    const lists = await this.orm.em.fork().find(MailingList, {}, { orderBy: { address: 'asc' }, populate: ['group'] });
    return lists.map(view);
  }

  async create(actor: Actor, input: ListInput): Promise<ListView> {
    return this.orm.em.fork().transactional(async (em) => {
      if (await em.findOne(MailingList, { address: input.address })) {
        throw new AppError('CONFLICT', `list ${input.address} is configured already`);
      }
      const group = input.group ? await em.findOne(Group, { slug: input.group }) : null;
      if (input.group && !group) throw AppError.notFound(`group "${input.group}"`);
      const status = input.status ? await em.findOne(MembershipStatus, { code: input.status }) : null;
      if (input.status && !status) throw AppError.notFound(`status "${input.status}"`);
      const list = em.create(MailingList, {
        address: input.address,
        description: input.description ?? null,
        source: input.source,
        group,
        status,
        addressKind: input.addressKind,
        exclusive: input.exclusive,
      });
      this.audit.record(em, actor, 'mailing-list.create', `list:${input.address}`, { ...input });
      await em.flush();
      return view(list);
    });
  }

  async remove(actor: Actor, id: number): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      const list = await em.findOne(MailingList, { id });
      if (!list) throw AppError.notFound(`list ${id}`);
      this.audit.record(em, actor, 'mailing-list.remove', `list:${list.address}`);
      em.remove(list);
    });
  }

  // Which lists concern the member. "Anyway" means by rule (every active member, a group, the
  // current status); Mailman gets them only while the member is active.
  async forMember(memberId: number): Promise<MemberListsView> {
    const em = this.orm.em.fork();
    const [lists, optedIn, automatic] = await Promise.all([
      em.find(MailingList, {}, { orderBy: { address: 'asc' }, populate: ['group'] }),
      em.find(ListOptIn, { member: memberId }),
      em.execute<{ id: number }[]>(
        `select l.id from mailing_list l
          where l.source = 'active'
             or (l.source = 'group' and exists (select 1 from group_membership gm
                   where gm.group_id = l.group_id and gm.member_id = ?))
             or (l.source = 'status' and exists (select 1 from membership_period p
                   where p.member_id = ? and p.status_code = l.status_code
                     and p.begin <= current_date and (p."end" is null or p."end" > current_date)))`,
        [memberId, memberId],
      ),
    ]);
    const chosen = new Set(optedIn.map((o) => o.list.id));
    const byRule = new Set(automatic.map((r) => r.id));
    return {
      optIn: lists.filter((l) => l.source === 'opt_in').map((l) => ({ ...view(l), optedIn: chosen.has(l.id) })),
      automatic: lists.filter((l) => byRule.has(l.id)).map(view),
    };
  }

  // A whole form of choices at once: opted in to exactly `listIds` among the opt-in lists.
  async setOptIns(actor: Actor, memberId: number, listIds: readonly number[]): Promise<void> {
    if (actor.memberId !== memberId && !hasRole(actor, 'board')) {
      throw new AppError('FORBIDDEN', 'members choose their own lists');
    }
    await this.orm.em.fork().transactional(async (em) => {
      const member = await em.findOne(Member, { id: memberId });
      if (!member) throw AppError.notFound(`member ${memberId}`);
      const lists = await em.find(MailingList, { source: 'opt_in' });
      const known = new Set(lists.map((l) => l.id));
      const unknown = listIds.filter((id) => !known.has(id));
      if (unknown.length > 0) throw new AppError('INVALID_STATE', `not opt-in lists: ${unknown.join(', ')}`);
      const existing = await em.find(ListOptIn, { member });
      const want = new Set(listIds);
      for (const list of lists) {
        const row = existing.find((o) => o.list.id === list.id);
        const on = want.has(list.id);
        if (on === Boolean(row)) continue;
        if (on) em.create(ListOptIn, { list, member });
        else if (row) em.remove(row);
        this.audit.record(em, actor, on ? 'mailing-list.opt-in' : 'mailing-list.opt-out', `member:${memberId}`, {
          list: list.address,
        });
      }
    });
  }

  // A member opts in or out of an opt-in list; the board may do it for anyone.
  async setOptIn(actor: Actor, listId: number, memberId: number, on: boolean): Promise<{ optedIn: boolean }> {
    if (actor.memberId !== memberId && !hasRole(actor, 'board')) {
      throw new AppError('FORBIDDEN', 'members choose their own lists');
    }
    return this.orm.em.fork().transactional(async (em) => {
      const list = await em.findOne(MailingList, { id: listId });
      if (!list) throw AppError.notFound(`list ${listId}`);
      if (list.source !== 'opt_in') throw new AppError('INVALID_STATE', `${list.address} is not an opt-in list`);
      const member = await em.findOne(Member, { id: memberId });
      if (!member) throw AppError.notFound(`member ${memberId}`);
      const existing = await em.findOne(ListOptIn, { list, member });
      if (on && !existing) em.create(ListOptIn, { list, member });
      if (!on && existing) em.remove(existing);
      if (on !== Boolean(existing)) {
        this.audit.record(em, actor, on ? 'mailing-list.opt-in' : 'mailing-list.opt-out', `member:${memberId}`, {
          list: list.address,
        });
      }
      return { optedIn: on };
    });
  }
}

function view(l: MailingList): ListView {
  return {
    id: l.id,
    address: l.address,
    description: l.description ?? null,
    source: l.source,
    group: l.group?.slug ?? null,
    status: l.status?.code ?? null,
    addressKind: l.addressKind,
    exclusive: l.exclusive,
  };
}
