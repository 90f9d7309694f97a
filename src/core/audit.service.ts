import type { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Actor } from './actor.js';
import { AuditEntry } from './entities/audit-entry.entity.js';

@Injectable()
export class AuditService {
  // Persisted with the caller's unit of work, so the entry commits (or not) with the change itself.
  record(
    em: EntityManager,
    actor: Actor,
    action: string,
    subject: string | null,
    details?: Record<string, unknown>,
  ): void {
    em.create(AuditEntry, {
      actorId: actor.memberId,
      actorLabel: actor.label,
      action,
      subject,
      details: details ?? null,
      clientAddress: actor.clientAddress,
    });
  }
}
