import { createHash } from 'node:crypto';
import type { AtomFeed } from '../../src/calendar/atom.js';
import { component, prop, type IcsComponent } from '../../src/calendar/ics.js';

// Large feeds of every shape the writers know, built by hand (not through buildCalendar, whose
// VTIMEZONEs follow the tz data of the Node in use), so their text never changes between runs.

const TEXTS = [
  'Löten & <Mate> "gratis" \'offen\'',
  'Zeile eins, mit Komma; Semikolon \\ Backslash\nZeile zwei\r\nZeile drei\rvier',
  'Steuerzeichen\u0000\u0007\u000b\u000c\u001b\u007f raus, Tab\tbleibt',
  ']]> und <![CDATA[ und &amp; bleiben Text',
  'Repair Café — 2. OG · Werkstatt',
];

const pad = (n: number) => String(n).padStart(2, '0');
const day = (i: number) => `2027${pad(1 + (i % 12))}${pad(1 + (i % 28))}`;

function* events(n: number): Generator<IcsComponent> {
  yield component(
    'VTIMEZONE',
    [prop('TZID', 'text', 'Europe/Berlin')],
    [
      component('DAYLIGHT', [
        prop('TZOFFSETFROM', 'utc-offset', '+0100'),
        prop('TZOFFSETTO', 'utc-offset', '+0200'),
        prop('TZNAME', 'text', 'CEST'),
        prop('DTSTART', 'date-time', '19700329T020000'),
        prop('RRULE', 'recur', 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU'),
      ]),
      component('STANDARD', [
        prop('TZOFFSETFROM', 'utc-offset', '+0200'),
        prop('TZOFFSETTO', 'utc-offset', '+0100'),
        prop('TZNAME', 'text', 'CET'),
        prop('DTSTART', 'date-time', '19701025T030000'),
      ]),
    ],
  );
  for (let i = 0; i < n; i++) {
    const d = day(i);
    const allDay = i % 9 === 0;
    const start = allDay
      ? prop('DTSTART', 'date', d, { VALUE: 'DATE' })
      : prop('DTSTART', 'date-time', `${d}T${pad(8 + (i % 12))}0000`, { TZID: 'Europe/Berlin' });
    yield component('VEVENT', [
      prop('UID', 'text', `${i}@fixture`),
      prop('DTSTAMP', 'date-time', `${d}T000000Z`),
      prop('SEQUENCE', 'integer', String(i % 4)),
      start,
      ...(i % 5 === 0
        ? [
            prop('RRULE', 'recur', `FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=${day(i + 3)}T225959Z`),
            prop('EXDATE', 'date-time', `${day(i + 1)}T190000,${day(i + 2)}T190000`, { TZID: 'Europe/Berlin' }),
          ]
        : []),
      prop('SUMMARY', 'text', `${TEXTS[i % TEXTS.length]} ${i}`),
      prop('DESCRIPTION', 'text', TEXTS.join(' ').repeat(1 + (i % 3))),
      prop('LOCATION', 'text', `Raum "A", 1. OG & <Keller> ${i}`, { ALTREP: `http://x.example/r?a=1&b=${i}` }),
      prop('URL', 'uri', `https://allmende.example/events/e-${i}?x=<1>&y="2"`),
      prop('REFRESH-INTERVAL', 'duration', 'PT60M', { VALUE: 'DURATION' }),
      prop('STATUS', 'text', i % 7 === 0 ? 'CANCELLED' : 'CONFIRMED'),
    ]);
  }
}

export function largeCalendar(n: number): IcsComponent {
  return component(
    'VCALENDAR',
    [prop('VERSION', 'text', '2.0'), prop('NAME', 'text', 'Club & <Freunde> · Kalender')],
    events(n),
  );
}

export function largeAtomFeed(n: number): AtomFeed {
  return {
    id: 'https://allmende.example/calendar.atom?a=1&b=2',
    title: 'Club & <Freunde>',
    selfUrl: 'https://allmende.example/calendar.atom?a=1&b=2',
    updated: Date.UTC(2027, 0, 1, 12, 0, 0, 999),
    entries: Array.from({ length: n }, (_, i) => ({
      id: `https://allmende.example/events/e-${i}#2027-01-05T18:00:00.000Z`,
      title: `${TEXTS[i % TEXTS.length]} — ${day(i)}`,
      url: `https://allmende.example/events/e-${i}?x=1&y=2`,
      updated: Date.UTC(2027, 0, 1) + i * 61_000,
      summary: TEXTS.join(' · '),
    })),
  };
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// What is wrong with an XML document, checked by hand (there is no XML parser among the
// dependencies): a character XML 1.0 does not allow, a tag that does not close, a "<", "&" or ">"
// that starts neither markup nor a character reference (the writers escape all three), not
// exactly one root element. Empty when the document is well-formed.
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const forbidden = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(xml);
  if (forbidden)
    problems.push(`forbidden character U+${forbidden[0].codePointAt(0)?.toString(16)} at ${forbidden.index}`);
  const body = xml.replace(/^<\?xml version="1\.0" encoding="utf-8"\?>\n/, '');
  const attribute = String.raw`\s+[a-z][\w-]*="(?:[^"<&]|&#\d+;)*"`;
  const token = new RegExp(String.raw`<(/?)([a-z][\w-]*)((?:${attribute})*)(/?)>|&#\d+;|[<>&]`, 'g');
  const stack: string[] = [];
  let roots = 0;
  for (const m of body.matchAll(token)) {
    const [all, close, name, , selfClosing] = m;
    if (name === undefined) {
      if (!all.startsWith('&#')) problems.push(`a bare ${all} at ${m.index}`);
    } else if (close) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}> at ${m.index}`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
  }
  if (stack.length > 0) problems.push(`not closed: ${stack.join(' ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
