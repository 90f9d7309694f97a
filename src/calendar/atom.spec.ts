import { describe, expect, it } from 'vitest';
import { largeAtomFeed, sha256, xmlProblems } from '../../test/support/calendar-fixture.js';
import { serializeAtom } from './atom.js';

describe('serializeAtom', () => {
  it('escapes text and attributes and writes whole seconds', () => {
    const xml = serializeAtom({
      id: 'https://a.example/calendar.atom',
      title: 'Club & <Freunde>',
      selfUrl: 'https://a.example/calendar.atom?a=1&b="2"',
      updated: Date.UTC(2027, 0, 1, 12, 0, 0, 999),
      entries: [
        {
          id: 'https://a.example/events/x#2027-01-05T18:00:00.000Z',
          title: 'Löten\u0007 — 2027-01-05 19:00 (Europe/Berlin)',
          url: 'https://a.example/events/x',
          updated: Date.UTC(2027, 0, 1),
          summary: 'a \uFFFE b',
        },
      ],
    });
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('<title>Club &#38; &#60;Freunde&#62;</title>');
    expect(xml).toContain('<link rel="self" href="https://a.example/calendar.atom?a=1&#38;b=&#34;2&#34;"/>');
    expect(xml).toContain('<updated>2027-01-01T12:00:00Z</updated>');
    expect(xml).toContain('<title>Löten — 2027-01-05 19:00 (Europe/Berlin)</title>');
    expect(xml).toContain('<summary>a  b</summary>');
  });

  // The fixture's text from before the writer made chunks (commit 0c5312f): not a byte changed.
  it('writes a large feed byte for byte as before, well-formed', () => {
    const xml = serializeAtom(largeAtomFeed(300));
    expect(Buffer.byteLength(xml)).toBe(167_470);
    expect(sha256(xml)).toBe('4b1ce9d31ed576d4ee01340bd3957d616586afb62086fc7cd1cfce7cfd463d88');
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml.match(/<entry>/g)).toHaveLength(300);
  });
});
