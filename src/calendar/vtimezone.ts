import { component, prop, type IcsComponent } from './ics.js';
import { icsLocal, offsetMinutes, utcToLocal } from './time-zone.js';

// VTIMEZONE components made from the runtime's tz data (Intl), so a feed carries the rules of
// exactly the zones its events use. Clocks change on rules like "last Sunday of March at 02:00";
// the years that follow one rule become one observance with an RRULE (valid into the future),
// earlier years with other rules are listed one change at a time.

interface Transition {
  at: number; // the UTC instant of the change
  from: number; // offset in minutes before
  to: number; // offset in minutes after
}

const DAY = 86_400_000;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function transitionsOf(zone: string, year: number): Transition[] {
  const out: Transition[] = [];
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  let prev = offsetMinutes(zone, start);
  for (let t = start + DAY; t <= end; t += DAY) {
    const off = offsetMinutes(zone, t);
    if (off !== prev) {
      // The minute of the change, by bisection between two days.
      let lo = t - DAY;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetMinutes(zone, mid) === prev) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, from: prev, to: off });
      prev = off;
    }
  }
  return out;
}

// "BYMONTH=3;BYDAY=-1SU" and the local wall time of the change (in the offset before it).
function ruleOf(t: Transition): { rule: string; time: string } {
  const local = new Date(t.at + t.from * 60_000);
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  const daysInMonth = new Date(Date.UTC(local.getUTCFullYear(), month, 0)).getUTCDate();
  const nth = day + 7 > daysInMonth ? -1 : Math.ceil(day / 7);
  const time = local.toISOString().slice(11, 19);
  return { rule: `BYMONTH=${month};BYDAY=${nth}${WEEKDAYS[local.getUTCDay()] ?? 'SU'}`, time };
}

function utcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

const names = new Map<string, Intl.DateTimeFormat>();
function zoneName(zone: string, instant: number): string {
  let f = names.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'short' });
    names.set(zone, f);
  }
  return f.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? utcOffset(0);
}

function observance(zone: string, t: Transition, rrule?: string): IcsComponent {
  // The larger offset of a pair is summer time (true for every zone with DST today but Ireland's
  // legal fiction, which clients treat the same way).
  const kind = t.to > t.from ? 'DAYLIGHT' : 'STANDARD';
  const onset = utcToLocal('UTC', t.at + t.from * 60_000);
  return component(kind, [
    prop('DTSTART', 'date-time', icsLocal(onset)),
    ...(rrule ? [prop('RRULE', 'recur', `FREQ=YEARLY;${rrule}`)] : []),
    prop('TZOFFSETFROM', 'utc-offset', utcOffset(t.from)),
    prop('TZOFFSETTO', 'utc-offset', utcOffset(t.to)),
    prop('TZNAME', 'text', zoneName(zone, t.at)),
  ]);
}

const cache = new Map<string, IcsComponent>();

// The zone's rules from fromYear on (the earliest event in the feed), correct for the years
// after toYear as long as the last rule holds. Cached: tz data does not change while we run.
export function vtimezone(zone: string, fromYear: number, toYear = new Date().getUTCFullYear() + 2): IcsComponent {
  const from = Math.max(1970, Math.min(fromYear, toYear));
  const key = `${zone}|${from}|${toYear}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const years: { year: number; transitions: Transition[]; signature: string }[] = [];
  for (let y = from; y <= toYear; y++) {
    const transitions = transitionsOf(zone, y);
    const signature = transitions
      .map((t) => {
        const r = ruleOf(t);
        return `${r.rule}@${r.time}:${t.from}>${t.to}`;
      })
      .join('|');
    years.push({ year: y, transitions, signature });
  }
  // The run of years at the end that follow one rule.
  const last = years[years.length - 1];
  let runStart = years.length - 1;
  while (runStart > 0 && years[runStart - 1]?.signature === last?.signature) runStart--;
  const observances: IcsComponent[] = [];
  for (const y of years.slice(0, runStart)) for (const t of y.transitions) observances.push(observance(zone, t));
  const run = years[runStart];
  if (run && run.transitions.length > 0) {
    for (const t of run.transitions) observances.push(observance(zone, t, ruleOf(t).rule));
  }
  if (observances.length === 0) {
    // No change in the years we look at: one standard offset (UTC, Asia/Tokyo, …).
    const off = offsetMinutes(zone, Date.UTC(from, 0, 1));
    observances.push(
      component('STANDARD', [
        prop('DTSTART', 'date-time', '19700101T000000'),
        prop('TZOFFSETFROM', 'utc-offset', utcOffset(off)),
        prop('TZOFFSETTO', 'utc-offset', utcOffset(off)),
        prop('TZNAME', 'text', zoneName(zone, Date.UTC(from, 0, 1))),
      ]),
    );
  }
  // A zone that stopped changing its clocks needs nothing more: its last listed change holds.
  const result = component('VTIMEZONE', [prop('TZID', 'text', zone)], observances);
  cache.set(key, result);
  return result;
}
