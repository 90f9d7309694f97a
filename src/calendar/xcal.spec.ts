import { describe, expect, it } from 'vitest';
import { component, prop } from './ics.js';
import { serializeXcal } from './xcal.js';

describe('serializeXcal', () => {
  it('writes RFC 6321 elements: typed values, parameters, structured RRULE and offsets', () => {
    const xml = serializeXcal(
      component(
        'VCALENDAR',
        [prop('VERSION', 'text', '2.0')],
        [
          component('VEVENT', [
            prop('DTSTART', 'date-time', '20260324T190000', { TZID: 'Europe/Berlin' }),
            prop('DTSTAMP', 'date-time', '20260101T000000Z'),
            prop('EXDATE', 'date', '20260407,20260414', { VALUE: 'DATE' }),
            prop('RRULE', 'recur', 'FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261117T225959Z'),
            prop('SUMMARY', 'text', 'Löten & <Mate> "gratis"\u0007'),
          ]),
          component('STANDARD', [prop('TZOFFSETFROM', 'utc-offset', '+0200')]),
        ],
      ),
    );
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="utf-8"\?>\n<icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0">/,
    );
    expect(xml).toContain(
      '<dtstart><parameters><tzid><text>Europe/Berlin</text></tzid></parameters><date-time>2026-03-24T19:00:00</date-time></dtstart>',
    );
    expect(xml).toContain('<dtstamp><date-time>2026-01-01T00:00:00Z</date-time></dtstamp>');
    expect(xml).toContain('<exdate><date>2026-04-07</date><date>2026-04-14</date></exdate>');
    expect(xml).toContain(
      '<rrule><recur><freq>WEEKLY</freq><byday>TU</byday><byday>TH</byday><until>2026-11-17T22:59:59Z</until></recur></rrule>',
    );
    expect(xml).toContain('<summary><text>Löten &#38; &#60;Mate&#62; &#34;gratis&#34;</text></summary>');
    expect(xml).toContain('<tzoffsetfrom><utc-offset>+02:00</utc-offset></tzoffsetfrom>');
  });
});
