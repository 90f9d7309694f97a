import { describe, expect, it } from 'vitest';
import { largeCalendar, sha256, xmlProblems } from '../../test/support/calendar-fixture.js';
import { component, prop } from './ics.js';
import { escapeXml, serializeXcal, xcalChunks } from './xcal.js';

describe('escapeXml', () => {
  it.each([
    ['Löten & Mate', 'Löten &#38; Mate'],
    ['<b>fett</b>', '&#60;b&#62;fett&#60;/b&#62;'],
    ['"zitiert" und \'halb\'', '&#34;zitiert&#34; und &#39;halb&#39;'],
    ['&amp; bleibt Text', '&#38;amp; bleibt Text'],
    [']]>', ']]&#62;'],
    // Tab and line breaks are allowed; CR stays (a parser reads it as a line break).
    ['a\tb\nc\r\nd\re', 'a\tb\nc\r\nd\re'],
    // XML 1.0 allows no other C0 control, not even as a reference: dropped.
    ['nul\u0000 bel\u0007 vt\u000b ff\u000c esc\u001b us\u001f', 'nul bel vt ff esc us'],
    // DEL and the C1 controls (allowed, but "discouraged"): dropped as well, as in the .ics feed.
    ['del\u007f nel\u0085 apc\u009f', 'del nel apc'],
    // Noncharacters XML excludes, and halves of surrogate pairs (no character at all).
    ['a\uFFFEb\uFFFFc', 'abc'],
    ['lone \uD800 high, lone \uDC00 low', 'lone  high, lone  low'],
    // Whole pairs, and everything else outside ASCII, stay as they are.
    ['Feuer 🔥, Ümlaut, — · €, \uFFFD', 'Feuer 🔥, Ümlaut, — · €, \uFFFD'],
  ])('%j → %j', (input, expected) => {
    expect(escapeXml(input)).toBe(expected);
  });
});

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

  it('writes a small calendar exactly: one element per line, components only where there are some', () => {
    const xml = serializeXcal(
      component(
        'VCALENDAR',
        [prop('VERSION', 'text', '2.0'), prop('REFRESH-INTERVAL', 'duration', 'PT60M', { VALUE: 'DURATION' })],
        [component('VEVENT', [prop('UID', 'text', '1@a'), prop('URL', 'uri', 'https://a.example/?x=1&y=2')])],
      ),
    );
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0">',
        '<vcalendar><properties>',
        '<version><text>2.0</text></version>',
        '<refresh-interval><duration>PT60M</duration></refresh-interval>',
        '</properties>',
        '<components>',
        '<vevent><properties>',
        '<uid><text>1@a</text></uid>',
        '<url><uri>https://a.example/?x=1&#38;y=2</uri></url>',
        '</properties>',
        '</vevent>',
        '</components>',
        '</vcalendar>',
        '</icalendar>',
        '',
      ].join('\n'),
    );
  });

  it('keeps every character XML 1.0 forbids out of text, parameters and URIs', () => {
    const bad = 'x\u0000\u0001\u0008\u000b\u000c\u000e\u001f\u007f\u0080\uFFFE\uFFFF\uDFFF\uD800y';
    const xml = serializeXcal(
      component('VCALENDAR', [
        prop('NAME', 'text', bad),
        prop('LOCATION', 'text', bad, { ALTREP: bad }),
        prop('URL', 'uri', bad),
        prop('RRULE', 'recur', `FREQ=WEEKLY;BYDAY=${bad}`),
      ]),
    );
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('<name><text>xy</text></name>');
    expect(xml).toContain(
      '<location><parameters><altrep><text>xy</text></altrep></parameters><text>xy</text></location>',
    );
    expect(xml).toContain('<url><uri>xy</uri></url>');
    expect(xml).toContain('<byday>xy</byday>');
  });

  // The fixture's text from before the writer made chunks (the array of pieces joined once at
  // the end, commit 0c5312f): the chunks must not change a byte.
  it('writes a large calendar (2,000 VEVENTs, every shape) byte for byte as before, well-formed', () => {
    const xml = serializeXcal(largeCalendar(2000));
    expect(Buffer.byteLength(xml)).toBe(2_728_312);
    expect(sha256(xml)).toBe('e14c009e414bcd788740ee84c4cfb12397925b88b17fb90443cee1522c31d2f4');
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml.match(/<vevent>/g)).toHaveLength(2000);
  });

  it('makes the large calendar as chunks of 64 Ki characters that join to the same text', () => {
    const chunks = [...xcalChunks(largeCalendar(2000))];
    expect(chunks.length).toBeGreaterThan(30);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(chunks.join('')).toBe(serializeXcal(largeCalendar(2000)));
  });
});
