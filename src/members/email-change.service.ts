import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { selfActor, type Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { LinkToken } from './entities/link-token.entity.js';
import { Member } from './entities/member.entity.js';
import { Revision } from './entities/revision.entity.js';
import { invalidLink, LinkTokenService, linkUrl } from './link-token.service.js';
import { duplicateError, fromUniqueViolation } from './members.errors.js';

// A member's own change of the private address: it applies only when the new address confirms
// it (the link goes there); the old address is told, so a taken-over account does not go unseen.
@Injectable()
export class EmailChangeService {
  constructor(
    private readonly orm: MikroORM,
    private readonly links: LinkTokenService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async request(actor: Actor, memberId: number, email: string): Promise<{ pendingAddress: string; expiresAt: string }> {
    return this.orm.em.fork().transactional(async (em) => {
      const member = await em.findOne(Member, { id: memberId });
      if (!member || member.erasedAt) throw AppError.notFound('member');
      if (member.privateEmail === email) {
        throw AppError.validation([
          { field: 'email', message: 'is already your private address', key: 'member.sameEmail' },
        ]);
      }
      if (await em.count(Member, { privateEmail: email, id: { $ne: member.id } }))
        throw duplicateError('privateEmail', email);
      const ttlMs = this.config.lifecycle.emailChangeTtlHours * 3600_000;
      const { key, expiresAt } = await this.links.issue(em, member, 'email-change', ttlMs, { email });
      const language = this.outbox.languageFor(member.language);
      this.outbox.enqueue(em, {
        to: email,
        template: 'email-change-confirm',
        language,
        data: {
          displayName: member.displayName,
          confirmUrl: linkUrl(this.config.http.publicUrl, 'email-change', member.id, key),
        },
        memberId: member.id,
      });
      if (member.privateEmail) {
        this.outbox.enqueue(em, {
          to: member.privateEmail,
          template: 'email-change-notice',
          language,
          data: { displayName: member.displayName, newAddress: email },
          memberId: member.id,
        });
      }
      this.audit.record(em, actor, 'member.email-change.requested', `member:${member.id}`);
      return { pendingAddress: email, expiresAt: expiresAt.toISOString() };
    });
  }

  // The address a member asked for and has not confirmed yet (the link still works), or null.
  async pending(memberId: number): Promise<{ address: string; expiresAt: string } | null> {
    const token = await this.orm.em
      .fork()
      .findOne(LinkToken, { member: memberId, purpose: 'email-change', expiresAt: { $gt: new Date() } });
    const address = token?.data?.email;
    return token && address ? { address, expiresAt: token.expiresAt.toISOString() } : null;
  }

  async confirm(memberId: number, key: string): Promise<{ privateEmail: string }> {
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        const { member, token } = await this.links.check(em, memberId, key, 'email-change');
        const email = token.data?.email;
        if (!email || member.erasedAt) throw invalidLink('email-change');
        // Someone else may have taken the address since the request.
        if (await em.count(Member, { privateEmail: email, id: { $ne: member.id } }))
          throw duplicateError('privateEmail', email);
        em.create(Revision, {
          member,
          kind: 'update',
          changes: [{ field: 'privateEmail', old: member.privateEmail ?? null, new: email }],
          actorId: member.id,
          actorLabel: member.username,
        });
        member.privateEmail = email;
        await this.links.consume(em, token);
        this.audit.record(em, selfActor(member), 'member.email-change.confirmed', `member:${member.id}`);
        return { privateEmail: email };
      });
    } catch (err) {
      throw fromUniqueViolation(err, {}) ?? err;
    }
  }
}
