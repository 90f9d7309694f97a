import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { component, prop, serializeIcs } from './ics.js';
import { utcToLocal } from './time-zone.js';
import { vtimezone } from './vtimezone.js';

function zoneOf(name: string, fromYear: number) {
  const text = serializeIcs(component('VCALENDAR', [prop('VERSION', 'text', '2.0')], [vtimezone(name, fromYear)]));
  const vtz = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vtimezone');
  if (!vtz) throw new Error('no VTIMEZONE');
  return { text, zone: new ICAL.Timezone(vtz) };
}

// ical.js's reading of our VTIMEZONE must agree with the runtime's tz data, hour by hour.
function agrees(name: string, fromYear: number, years: number[]) {
  const { zone } = zoneOf(name, fromYear);
  for (const year of years) {
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 3_600_000 * 5) {
      const l = utcToLocal(name, t);
      const time = ICAL.Time.fromData(
        { year: l.year, month: l.month, day: l.day, hour: l.hour, minute: l.minute, second: l.second },
        zone,
      );
      const back = time.toJSDate().getTime();
      // A wall time in the repeated autumn hour is ambiguous; both readings are right.
      expect(Math.abs(back - t) === 0 || Math.abs(back - t) === 3_600_000, `${name} ${new Date(t).toISOString()}`).toBe(
        true,
      );
    }
  }
}

describe('vtimezone', () => {
  it('gives Europe/Berlin a DAYLIGHT and a STANDARD rule on the last Sundays of March and October', () => {
    const { text } = zoneOf('Europe/Berlin', 2025);
    expect(text).toContain('TZID:Europe/Berlin');
    expect(text).toContain('BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
    expect(text).toContain('TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST');
    expect(text).toContain('BEGIN:STANDARD\r\nDTSTART:20251026T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
  });

  it('agrees with the tz data for Berlin, New York, Sydney, Kolkata and UTC, also years after the ones listed', () => {
    // A feed lists its zones from the year before its first event on.
    agrees('Europe/Berlin', 2023, [2024, 2026, 2031]);
    agrees('America/New_York', 2023, [2024, 2030]);
    agrees('Australia/Sydney', 2023, [2025, 2029]);
    agrees('Asia/Kolkata', 2023, [2026]);
    agrees('UTC', 2023, [2026]);
  });

  it('lists the years before the current rule one change at a time (Berlin before 1996 ended DST in September)', () => {
    const { text } = zoneOf('Europe/Berlin', 1990);
    expect(text).toContain('DTSTART:19900930T030000');
    agrees('Europe/Berlin', 1990, [1990, 1995, 2027]);
  });
});
