import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { MembershipStatus } from './entities/membership-status.entity.js';
import { ProfileField, type Visibility } from './entities/profile-field.entity.js';
import { duplicateError } from './members.errors.js';

export interface StatusInput {
  code: string;
  label: string;
  isMembership: boolean;
  sortOrder: number;
}

export interface ProfileFieldInput {
  key: string;
  label: string;
  visibility: Visibility;
  requiresApproval: boolean;
  memberEditable: boolean;
  sortOrder: number;
}

// The admin-editable reference data of the member register: statuses and profile fields.
@Injectable()
export class CatalogService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
  ) {}

  statuses(em: EntityManager = this.orm.em.fork()): Promise<MembershipStatus[]> {
    return em.find(MembershipStatus, {}, { orderBy: { sortOrder: 'asc', code: 'asc' } });
  }

  async requireStatus(em: EntityManager, code: string): Promise<MembershipStatus> {
    const status = await em.findOne(MembershipStatus, { code });
    if (!status) {
      const known = (await this.statuses(em)).map((s) => s.code).join(', ');
      const message = `unknown status "${code}" (known: ${known})`;
      throw AppError.validation([{ field: 'status', message, key: 'status.unknown', params: { code, known } }]);
    }
    return status;
  }

  async saveStatus(actor: Actor, input: StatusInput): Promise<MembershipStatus> {
    return this.orm.em.fork().transactional(async (em) => {
      let status = await em.findOne(MembershipStatus, { code: input.code });
      if (status) em.assign(status, input);
      else status = em.create(MembershipStatus, input);
      this.audit.record(em, actor, 'status.save', `status:${input.code}`, { ...input });
      return status;
    });
  }

  profileFields(em: EntityManager = this.orm.em.fork()): Promise<ProfileField[]> {
    return em.find(ProfileField, {}, { orderBy: { sortOrder: 'asc', key: 'asc' } });
  }

  async createProfileField(actor: Actor, input: ProfileFieldInput): Promise<ProfileField> {
    return this.orm.em.fork().transactional(async (em) => {
      if (await em.findOne(ProfileField, { key: input.key })) throw duplicateError('key', input.key);
      const field = em.create(ProfileField, { ...input, builtin: false });
      this.audit.record(em, actor, 'profile-field.create', `profile-field:${input.key}`, { ...input });
      return field;
    });
  }

  async updateProfileField(
    actor: Actor,
    key: string,
    input: Partial<Omit<ProfileFieldInput, 'key'>>,
  ): Promise<ProfileField> {
    return this.orm.em.fork().transactional(async (em) => {
      const field = await em.findOne(ProfileField, { key });
      if (!field) throw AppError.notFound(`profile field "${key}"`);
      if (field.builtin && (key === 'username' || key === 'displayName') && input.visibility === 'board') {
        // A list for members needs a name to show.
        throw AppError.validation([{ field: 'visibility', message: `${key} must stay visible to members` }]);
      }
      em.assign(field, input);
      this.audit.record(em, actor, 'profile-field.update', `profile-field:${key}`, { ...input });
      return field;
    });
  }
}
