import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { GroupMembership } from './entities/group-membership.entity.js';
import { Group } from './entities/group.entity.js';
import { Member } from './entities/member.entity.js';
import { Revision } from './entities/revision.entity.js';
import { duplicateError } from './members.errors.js';

export interface GroupInput {
  slug: string;
  name: string;
  description?: string | null;
}

@Injectable()
export class GroupsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<(Group & { memberCount: number })[]> {
    const em = this.orm.em.fork();
    const groups = await em.find(Group, {}, { orderBy: { name: 'asc' } });
    const counts = await em.execute<{ group_id: number; n: string }[]>(
      'select group_id, count(*) as n from group_membership group by group_id',
    );
    const byId = new Map(counts.map((c) => [c.group_id, Number(c.n)]));
    return groups.map((g) => Object.assign(g, { memberCount: byId.get(g.id) ?? 0 }));
  }

  async create(actor: Actor, input: GroupInput): Promise<Group> {
    return this.orm.em.fork().transactional(async (em) => {
      if (await em.findOne(Group, { slug: input.slug })) throw duplicateError('slug', input.slug);
      const group = em.create(Group, { ...input, description: input.description ?? null, grantsRole: null });
      this.audit.record(em, actor, 'group.create', `group:${input.slug}`, { ...input });
      return group;
    });
  }

  async requireGroup(em: EntityManager, slug: string): Promise<Group> {
    const group = await em.findOne(Group, { slug });
    if (!group) throw AppError.notFound(`group "${slug}"`);
    return group;
  }

  // Granting board or admin rights is for the board and the admin only; the admin group for the admin.
  private assertMayManage(actor: Actor, group: Group): void {
    if (group.grantsRole === 'admin' && actor.role !== 'admin') {
      throw AppError.of('FORBIDDEN', { message: 'only an admin may change the admins group', key: 'group.adminsOnly' });
    }
  }

  async addMember(em: EntityManager, actor: Actor, member: Member, slug: string): Promise<boolean> {
    const group = await this.requireGroup(em, slug);
    this.assertMayManage(actor, group);
    const existing = await em.findOne(GroupMembership, { group, member });
    if (existing) return false;
    em.create(GroupMembership, { group, member });
    em.create(Revision, {
      member,
      kind: 'group',
      changes: [{ field: 'groups', old: null, new: `+${slug}` }],
      actorId: actor.memberId,
      actorLabel: actor.label,
    });
    this.audit.record(em, actor, 'group.add', `member:${member.id}`, { group: slug });
    return true;
  }

  async removeMember(em: EntityManager, actor: Actor, member: Member, slug: string): Promise<boolean> {
    const group = await this.requireGroup(em, slug);
    this.assertMayManage(actor, group);
    const existing = await em.findOne(GroupMembership, { group, member });
    if (!existing) return false;
    if (group.grantsRole === 'admin') await this.assertNotLastAdmin(em, member);
    em.remove(existing);
    em.create(Revision, {
      member,
      kind: 'group',
      changes: [{ field: 'groups', old: `-${slug}`, new: null }],
      actorId: actor.memberId,
      actorLabel: actor.label,
    });
    this.audit.record(em, actor, 'group.remove', `member:${member.id}`, { group: slug });
    return true;
  }

  // Locking out the last admin would leave nobody to fix it but the shell. Only admins who can
  // log in count (the login states of auth.service.ts): one who has left is no admin any more.
  async assertNotLastAdmin(em: EntityManager, member: Member): Promise<void> {
    const isAdmin = await em.execute<{ n: string }[]>(
      `select count(*) as n from group_membership gm join member_group g on g.id = gm.group_id
        where g.grants_role = 'admin' and gm.member_id = ?`,
      [member.id],
    );
    if (Number(isAdmin[0]?.n ?? 0) === 0) return;
    const rows = await em.execute<{ n: string }[]>(
      `select count(*) as n from group_membership gm join member_group g on g.id = gm.group_id
         join member m on m.id = gm.member_id
        where g.grants_role = 'admin' and gm.member_id <> ? and m.state in ('registered', 'active')`,
      [member.id],
    );
    if (Number(rows[0]?.n ?? 0) === 0) {
      throw AppError.of('INVALID_STATE', { message: 'cannot remove the last admin', key: 'member.lastAdmin' });
    }
  }
}
