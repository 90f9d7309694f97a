import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { SpaceService, type PresentMember, type SpaceState } from '../../space/space.service.js';
import type { PageUser } from '../views.js';
import { UPCOMING_EVENTS, type UpcomingEvent, type UpcomingEventsSource } from './upcoming-events.js';

export interface RecentThing {
  id: number;
  slug: string;
  name: string;
  createdAt: Date;
}

export interface StartPageData {
  state: SpaceState;
  events: UpcomingEvent[];
  // Members only: who said they are in the space, and the newest things.
  present: PresentMember[];
  things: RecentThing[];
}

const EVENTS = 5;
const THINGS = 5;

// Everything the start page shows, read in parallel: a stranger costs one query (the state) plus
// the events, a member two more (presence, things); none of them per row.
@Injectable()
export class StartPageService {
  constructor(
    private readonly orm: MikroORM,
    private readonly space: SpaceService,
    @Inject(UPCOMING_EVENTS) private readonly events: UpcomingEventsSource,
  ) {}

  async forViewer(user: PageUser | null): Promise<StartPageData> {
    const [state, events, present, things] = await Promise.all([
      this.space.state(),
      this.events.upcoming(user, EVENTS),
      user ? this.space.present() : Promise.resolve([]),
      user ? this.recentThings() : Promise.resolve([]),
    ]);
    return { state, events, present, things };
  }

  // The newest things first: ids grow with every new thing, so the primary key gives the order.
  private async recentThings(): Promise<RecentThing[]> {
    const rows = await this.orm.em
      .fork()
      .execute<{ id: number; slug: string; name: string; created_at: string | Date }[]>(
        'select id, slug, name, created_at from thing where archived_at is null order by id desc limit ?',
        [THINGS],
      );
    return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, createdAt: new Date(r.created_at) }));
  }
}
