import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { AuditService } from '../core/audit.service.js';
import { SpaceStateChange } from './entities/space-state-change.entity.js';
import type { SpaceStateInput } from './space.schemas.js';

export interface SpaceState {
  // null: nobody has ever said (the SpaceAPI then leaves `open` out: "unknown").
  open: boolean | null;
  message: string | null;
  changedAt: Date | null;
}

export interface PresentMember {
  id: number;
  displayName: string;
  until: Date;
}

type StateRow = { open: boolean; message: string | null; changed_at: string | Date };

// The space's open/closed state (set by members on the start page or by a program holding a
// token with space:write) and who said "I am in the space" (opt-in, expires by itself).
@Injectable()
export class SpaceService {
  constructor(
    private readonly orm: MikroORM,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async state(): Promise<SpaceState> {
    const [row] = await this.orm.em
      .fork()
      .execute<StateRow[]>('select open, message, changed_at from space_state_change order by id desc limit 1');
    return row
      ? { open: row.open, message: row.message, changedAt: new Date(row.changed_at) }
      : { open: null, message: null, changedAt: null };
  }

  async setState(actor: Actor, input: SpaceStateInput): Promise<SpaceState> {
    const message = input.message === undefined || input.message === '' ? null : input.message;
    const change = await this.orm.em.fork().transactional(async (em) => {
      await this.requireActive(em, actor);
      const row = em.create(SpaceStateChange, {
        open: input.open,
        message,
        changedById: actor.memberId,
        changedByLabel: actor.label,
      });
      this.audit.record(em, actor, input.open ? 'space.open' : 'space.close', 'space', { message });
      await em.flush();
      return row;
    });
    return { open: change.open, message: change.message ?? null, changedAt: change.changedAt };
  }

  // Active members, the figure the SpaceAPI publishes as total_member_count.
  async memberCount(): Promise<number> {
    const [row] = await this.orm.em
      .fork()
      .execute<{ n: string | number }[]>(`select count(*) as n from member where state = 'active'`);
    return Number(row?.n ?? 0);
  }

  // "I am in the space" for the configured number of hours; pressing it again extends it.
  async arrive(actor: Actor): Promise<Date> {
    const memberId = this.memberOf(actor);
    const until = new Date(Date.now() + this.config.space.presenceHours * 3600_000);
    const em = this.orm.em.fork();
    await this.requireActive(em, actor);
    // Expired rows are never shown; dropping them here keeps the table as small as the space.
    await em.execute('delete from space_presence where until <= now()');
    await em.execute(
      `insert into space_presence (member_id, since, until) values (?, now(), ?)
       on conflict (member_id) do update set until = excluded.until`,
      [memberId, until],
    );
    return until;
  }

  async leave(actor: Actor): Promise<void> {
    await this.orm.em.fork().execute('delete from space_presence where member_id = ?', [this.memberOf(actor)]);
  }

  // Who is in the space now, by their own word; only active members (a suspended one drops out).
  async present(): Promise<PresentMember[]> {
    const rows = await this.orm.em.fork().execute<{ id: number; display_name: string; until: string | Date }[]>(
      `select m.id, m.display_name, p.until from space_presence p join member m on m.id = p.member_id
       where p.until > now() and m.state = 'active' order by m.display_name, m.id limit 100`,
    );
    return rows.map((r) => ({ id: r.id, displayName: r.display_name, until: new Date(r.until) }));
  }

  // A registered member may log in before the board activates them, but not yet speak for the
  // space. Programs (door switches) act through a token, whose owner is active by construction.
  private async requireActive(em: EntityManager, actor: Actor): Promise<void> {
    if (actor.memberId === null) return;
    const [row] = await em.execute<{ state: string }[]>('select state from member where id = ?', [actor.memberId]);
    if (row?.state !== 'active')
      throw new AppError('FORBIDDEN', 'only active members can do this; the board activates new members');
  }

  private memberOf(actor: Actor): number {
    if (actor.memberId === null) throw new AppError('FORBIDDEN', 'only members can say they are in the space');
    return actor.memberId;
  }
}
