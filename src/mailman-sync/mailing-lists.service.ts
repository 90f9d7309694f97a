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
