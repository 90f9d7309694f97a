import { Injectable } from '@nestjs/common';
import { EventsService } from '../../calendar/events.service.js';
import type { Actor } from '../../core/actor.js';
import type { PageUser } from '../views.js';
import type { UpcomingEvent, UpcomingEventsSource } from './upcoming-events.js';

// The start page's events from the calendar: the next occurrences from now on (the calendar's
// default window of 31 days), public ones for guests, members' events too for members, cancelled
// ones left out. The calendar reads them in a few queries, whatever the number of events.
@Injectable()
export class CalendarUpcomingEvents implements UpcomingEventsSource {
  constructor(private readonly events: EventsService) {}

  async upcoming(viewer: PageUser | null, limit: number): Promise<UpcomingEvent[]> {
    const now = Date.now();
    const occurrences = await this.events.occurrences(viewer ? viewerActor(viewer) : undefined, {});
    return occurrences
      .filter((o) => o.status !== 'cancelled' && Date.parse(o.endsAt) > now)
      .slice(0, limit)
      .map((o) => ({
        title: o.title,
        startsAt: new Date(o.startsAt),
        endsAt: new Date(o.endsAt),
        location: o.resources.length > 0 ? o.resources.join(', ') : null,
        href: `/events/${o.slug}`,
      }));
  }
}

// The logged-in member as the calendar's access rules see them (a session: every scope).
function viewerActor(viewer: PageUser): Actor {
  return {
    kind: 'member',
    memberId: viewer.id,
    label: viewer.username,
    role: viewer.role,
    scopes: 'all',
    clientAddress: null,
  };
}
