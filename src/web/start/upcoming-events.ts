import { Injectable } from '@nestjs/common';
import type { PageUser } from '../views.js';

// An event as the start page lists it.
export interface UpcomingEvent {
  title: string;
  startsAt: Date;
  endsAt: Date | null;
  // A room or place, as the calendar names it.
  location: string | null;
  // The event's page, when there is one (members: booking).
  href: string | null;
}

// Where the start page gets its next events. The calendar module provides the real one: it must
// return only public events to a stranger (viewer null), soonest first, at most `limit`, ending
// after now, in one or two queries.
export interface UpcomingEventsSource {
  upcoming(viewer: PageUser | null, limit: number): Promise<UpcomingEvent[]>;
}

export const UPCOMING_EVENTS = Symbol('UPCOMING_EVENTS');

// Until the calendar is there: no events (the page says so).
@Injectable()
export class NoUpcomingEvents implements UpcomingEventsSource {
  upcoming(): Promise<UpcomingEvent[]> {
    return Promise.resolve([]);
  }
}
