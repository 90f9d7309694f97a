import ICAL from 'ical.js';
import { utcToLocal } from '../../src/calendar/time-zone.js';

// Reads a feed as a calendar client does: ical.js with only the feed's own VTIMEZONEs known.
export function parseFeed(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  ICAL.TimezoneService.reset();
  for (const tz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevents = root.getAllSubcomponents('vevent');
  const masters = vevents.filter((v) => !v.hasProperty('recurrence-id'));
  const exceptions = vevents.filter((v) => v.hasProperty('recurrence-id'));
  const events = masters.map((m) => {
    const event = new ICAL.Event(m);
    for (const x of exceptions) if (x.getFirstPropertyValue('uid') === event.uid) event.relateException(x);
    return event;
  });
  return { root, vevents, events };
}

export interface ExpandedOccurrence {
  utc: string;
  // Wall-clock time in the zone (from the runtime's tz data, not the feed's).
  local: string;
  summary: string;
  status: string | null;
}

// The first `count` occurrences as ical.js expands them with the feed's VTIMEZONE.
export function expandEvent(event: ICAL.Event, zone: string, count: number): ExpandedOccurrence[] {
  const it = event.iterator();
  const out: ExpandedOccurrence[] = [];
  for (let next = it.next(); next && out.length < count; next = it.next()) {
    const d = event.getOccurrenceDetails(next);
    const utc = d.startDate.toJSDate();
    const l = utcToLocal(zone, utc.getTime());
    const pad = (n: number) => String(n).padStart(2, '0');
    out.push({
      utc: utc.toISOString(),
      local: `${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}`,
      summary: d.item.summary,
      status: (d.item.component.getFirstPropertyValue('status') as string | null) ?? null,
    });
  }
  return out;
}
