import { describe, expect, it } from 'vitest';
import { canonicalWikiName } from './wiki-user-name.js';

describe('canonicalWikiName', () => {
  it.each([
    ['karl liebknecht', 'Karl liebknecht'],
    ['Karl_Liebknecht', 'Karl Liebknecht'],
    ['  Karl   Liebknecht ', 'Karl Liebknecht'],
    ['ölaf Müller', 'Ölaf Müller'],
    ['Jean-Luc O’Brien', 'Jean-Luc O’Brien'],
    ['Ａnna', 'Ａnna'],
  ])('%s → %s', (raw, name) => {
    expect(canonicalWikiName(raw)).toEqual({ ok: true, name });
  });

  it.each([
    ['', /empty/],
    ['Huber [Kasse]', /"\["/],
    ['a#b', /"#"/],
    ['user@example.org', /"@"/],
    ['Talk:Karl', /":"/],
    ['AC/DC', /"\/"/],
    ['Karl\u200bL', /U\+200B/],
    ['Karl%41', /%-escapes/],
    ['Karl &amp; Rosa', /entities/],
    ['192.168.0.1', /IP address/],
    ['x'.repeat(256), /255 bytes/],
  ])('refuses %j', (raw, reason) => {
    const r = canonicalWikiName(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
