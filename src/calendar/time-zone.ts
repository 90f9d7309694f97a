// Wall-clock times in IANA zones, from the runtime's own tz data (Intl): no zone table to ship.
// A local time is what people say ("Tuesday 19:00 in Berlin"); an instant is a UTC millisecond.

export interface LocalDateTime {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

// The canonical name of an IANA zone ("europe/berlin" → "Europe/Berlin"), or undefined for
// anything else — offsets like "+01:00" included, which are no place's rules.
export function canonicalTimeZone(zone: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone) || zone.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

// Wall-clock fields of an instant, read from Intl (slow: ~10 µs a call).
function intlLocal(zone: string, instant: number): LocalDateTime {
  const parts = formatter(zone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

export function localAsUtc(l: LocalDateTime): number {
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
}

function exactOffset(zone: string, instant: number): number {
  const t = Math.floor(instant / 1000) * 1000;
  return Math.round((localAsUtc(intlLocal(zone, t)) - t) / 60_000);
}

const DAY = 86_400_000;
// Per zone and UTC day: the offset when it is the same all day (every day but those with a
// clock change), so a feed of 10,000 events asks Intl about hundreds of days, not 20,000 times.
const dayOffsets = new Map<string, Map<number, number | null>>();

// Offset from UTC in minutes at an instant (Berlin in summer: 120).
export function offsetMinutes(zone: string, instant: number): number {
  let days = dayOffsets.get(zone);
  if (!days) {
    days = new Map();
    dayOffsets.set(zone, days);
  }
  const day = Math.floor(instant / DAY);
  let offset = days.get(day);
  if (offset === undefined) {
    const start = exactOffset(zone, day * DAY);
    offset = start === exactOffset(zone, day * DAY + DAY - 1000) ? start : null;
    if (days.size > 200_000) days.clear();
    days.set(day, offset);
  }
  return offset ?? exactOffset(zone, instant);
}

export function utcToLocal(zone: string, instant: number): LocalDateTime {
  const d = new Date(Math.floor(instant / 1000) * 1000 + offsetMinutes(zone, instant) * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

// The instant a local time names. In the spring gap (02:30 when clocks jump from 02:00 to 03:00)
// the offset before the change applies, so 02:30 becomes 03:30 summer time; a time that happens
// twice in autumn is its first occurrence — both as RFC 5545 (3.3.5) says.
export function localToUtc(zone: string, local: LocalDateTime): number {
  const asUtc = localAsUtc(local);
  const before = offsetMinutes(zone, asUtc - 86_400_000);
  const after = offsetMinutes(zone, asUtc + 86_400_000);
  const valid = [before, after]
    .map((o) => asUtc - o * 60_000)
    .filter((t) => localAsUtc(utcToLocal(zone, t)) === asUtc)
    .sort((a, b) => a - b);
  return valid[0] ?? asUtc - before * 60_000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// 20260324T190000 (iCalendar's local DATE-TIME form)
export function icsLocal(l: LocalDateTime): string {
  return `${pad(l.year, 4)}${pad(l.month)}${pad(l.day)}T${pad(l.hour)}${pad(l.minute)}${pad(l.second)}`;
}

export function icsDate(l: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string {
  return `${pad(l.year, 4)}${pad(l.month)}${pad(l.day)}`;
}

export function icsUtc(instant: number): string {
  return `${new Date(Math.floor(instant / 1000) * 1000).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

// 2026-03-24T19:00:00 (ISO, no offset)
export function isoLocal(l: LocalDateTime): string {
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}`;
}

export function isoDate(l: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string {
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}`;
}

// "2026-03-24T19:00", "2026-03-24T19:00:30" or "2026-03-24" (midnight); undefined when not a real time.
export function parseLocal(value: string): LocalDateTime | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  if (!m) return undefined;
  const l: LocalDateTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
  const back = new Date(localAsUtc(l));
  const real =
    back.getUTCFullYear() === l.year &&
    back.getUTCMonth() + 1 === l.month &&
    back.getUTCDate() === l.day &&
    l.hour < 24 &&
    l.minute < 60 &&
    l.second < 60;
  return real && l.year >= 1900 && l.year <= 2200 ? l : undefined;
}

export function addLocalDays(l: LocalDateTime, days: number): LocalDateTime {
  const d = new Date(localAsUtc(l) + days * 86_400_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: l.hour,
    minute: l.minute,
    second: l.second,
  };
}
