import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { largeCalendar, sha256 } from '../../test/support/calendar-fixture.js';
import { component, escapeText, foldLine, prop, serializeIcs } from './ics.js';

describe('escapeText', () => {
  it.each([
    ['a,b', 'a\\,b'],
    ['a;b', 'a\\;b'],
    ['C:\\temp', 'C:\\\\temp'],
    ['one\ntwo', 'one\\ntwo'],
    ['one\r\ntwo\rthree', 'one\\ntwo\\nthree'],
    ['bell\u0007', 'bell'],
    ['tab\there', 'tab\there'],
  ])('%j → %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });
});

describe('foldLine', () => {
  it('leaves 75 octets alone and folds the 76th onto a line starting with a space', () => {
    const line75 = 'X'.repeat(75);
    expect(foldLine(line75)).toBe(line75);
    expect(foldLine(`${line75}Y`)).toBe(`${line75}\r\n Y`);
  });

  it('never splits a UTF-8 character and keeps every physical line within 75 octets', () => {
    const line = `SUMMARY:${'Lötstation 🔥 '.repeat(20)}`;
    const folded = foldLine(line);
    for (const physical of folded.split('\r\n')) expect(Buffer.byteLength(physical)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
  });
});

describe('serializeIcs', () => {
  it('writes CRLF lines that ical.js reads back to the same values', () => {
    const description = 'Zeile eins, mit Komma; Semikolon \\ Backslash\nZeile zwei — ümläut '.repeat(4);
    const text = serializeIcs(
      component(
        'VCALENDAR',
        [prop('VERSION', 'text', '2.0'), prop('PRODID', 'text', '-//test//EN')],
        [
          component('VEVENT', [
            prop('UID', 'text', 'a@b'),
            prop('DTSTAMP', 'date-time', '20260101T000000Z'),
            prop('DTSTART', 'date-time', '20260324T190000', { TZID: 'Europe/Berlin' }),
            prop('SUMMARY', 'text', description),
            prop('LOCATION', 'text', 'Raum "A", 1. OG', { ALTREP: 'http://x.example/a:b' }),
          ]),
        ],
      ),
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text).toContain('ALTREP="http://x.example/a:b"');
    const vevent = new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent('vevent');
    expect(vevent?.getFirstPropertyValue('summary')).toBe(description);
    expect(vevent?.getFirstPropertyValue('location')).toBe('Raum "A", 1. OG');
    expect(vevent?.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Berlin');
  });

  // The fixture's text from before the writer made chunks (commit 0c5312f): not a byte changed.
  it('writes a large calendar (2,000 VEVENTs, every shape) byte for byte as before', () => {
    const text = serializeIcs(largeCalendar(2000));
    expect(Buffer.byteLength(text)).toBe(1_746_029);
    expect(sha256(text)).toBe('66ff993fed2de38042fb621dd4724fe660f0151288a513cd7d2e352b95a4deab');
    expect(new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent')).toHaveLength(2000);
  });
});
