import { describe, expect, it } from 'vitest';
import { isFresh } from './http-cache.js';

const v = { etag: 'W/"abc"', lastModified: new Date('2026-03-24T18:00:00Z') };

describe('isFresh', () => {
  it.each([
    [{ 'if-none-match': 'W/"abc"' }, true],
    [{ 'if-none-match': '"abc"' }, true],
    [{ 'if-none-match': '"x", W/"abc"' }, true],
    [{ 'if-none-match': '*' }, true],
    [{ 'if-none-match': 'W/"old"' }, false],
    // If-None-Match wins over If-Modified-Since.
    [{ 'if-none-match': 'W/"old"', 'if-modified-since': 'Wed, 25 Mar 2026 00:00:00 GMT' }, false],
    [{ 'if-modified-since': 'Tue, 24 Mar 2026 18:00:00 GMT' }, true],
    [{ 'if-modified-since': 'Tue, 24 Mar 2026 17:59:59 GMT' }, false],
    [{ 'if-modified-since': 'gestern' }, false],
    [{}, false],
  ])('%j → %s', (headers, fresh) => {
    expect(isFresh(headers, v)).toBe(fresh);
  });
});
