import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { Actor } from '../core/actor.js';
import { AuditService } from '../core/audit.service.js';
import { AuditEntry } from '../core/entities/audit-entry.entity.js';
import { writeCsv, type CsvFlavor } from './csv/csv-write.js';
import { MembershipPeriod } from './entities/membership-period.entity.js';
import { Revision } from './entities/revision.entity.js';
import { listQuery, type MemberFilter, type MemberRow } from './member-query.js';
import { toMemberView } from './member-row.js';
import { MembersService } from './members.service.js';

// Column names an import reads back (see csv/member-csv.ts): export → import changes nothing.
const HEADER = [
  'Mitgliedsnummer',
  'Vorname',
  'Nachname',
  'Anzeigename',
  'Benutzername',
  'E-Mail',
  'Status',
  'Seit',
  'Zustand',
  'Sprache',
  'Gruppen',
];

@Injectable()
export class MemberExportService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    private readonly members: MembersService,
  ) {}

  async csv(
    actor: Actor,
    flavor: CsvFlavor,
    filter: Omit<MemberFilter, 'searchScope'> = {},
  ): Promise<{ csv: string; count: number }> {
    const em = this.orm.em.fork();
    const q = listQuery({ ...filter, searchScope: 'all' }, 1_000_000, 0);
    const rows = await em.execute<MemberRow[]>(q.sql, q.params);
    const lines = rows.map((r) => {
      const v = toMemberView(r);
      return [
        v.memberNumber,
        v.firstName,
        v.lastName,
        v.displayName,
        v.username,
        v.privateEmail,
        v.status,
        v.statusSince,
        v.state,
        v.language,
        v.groups?.join(', '),
      ];
    });
    this.audit.record(em, actor, 'member.export', null, { flavor, count: rows.length, filter });
    await em.flush();
    return { csv: writeCsv([HEADER, ...lines], { flavor }), count: rows.length };
  }

  // Everything allmende holds about one member (GDPR Art. 15), as JSON.
  async personalData(actor: Actor, memberId: number): Promise<Record<string, unknown>> {
    const em = this.orm.em.fork();
    const member = await this.members.viewOf(em, memberId);
    const periods = await em.find(MembershipPeriod, { member: memberId }, { orderBy: { begin: 'asc' } });
    const revisions = await em.find(Revision, { member: memberId }, { orderBy: { createdAt: 'asc' } });
    const audit = await em.find(AuditEntry, { subject: `member:${memberId}` }, { orderBy: { at: 'asc' } });
    const sessions = await em.execute(
      'select created_at, last_seen_at, expires_at, revoked_at, client_address, user_agent from session where member_id = ? order by created_at',
      [memberId],
    );
    this.audit.record(em, actor, 'member.export.personal', `member:${memberId}`);
    await em.flush();
    return {
      exportedAt: new Date().toISOString(),
      member,
      membershipPeriods: periods.map((p) => ({ status: p.status.code, begin: p.begin, end: p.end ?? null })),
      revisions: revisions.map((r) => ({
        at: r.createdAt,
        kind: r.kind,
        state: r.state,
        by: r.actorLabel,
        changes: r.changes,
      })),
      sessions,
      auditLog: audit.map((a) => ({ at: a.at, by: a.actorLabel, action: a.action, details: a.details })),
    };
  }
}
