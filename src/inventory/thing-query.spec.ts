import { describe, expect, it } from 'vitest';
import { countQuery, listQuery, toPrefixQuery } from './thing-query.js';

describe('toPrefixQuery', () => {
  it('turns words into prefix terms joined by and', () => {
    expect(toPrefixQuery('Löt Stat')).toBe("'löt':* & 'stat':*");
  });
  it('drops tsquery syntax, so input never becomes operators', () => {
    expect(toPrefixQuery("a & !b | c:* 'd'")).toBe("'a':* & 'b':* & 'c':* & 'd':*");
    expect(toPrefixQuery('!&|')).toBeUndefined();
  });
});

describe('listQuery', () => {
  it('searches full text or a substring, ranks, and binds every value', () => {
    const q = listQuery({ q: 'mk3', tag: '3d', locationId: 4 }, 50, 100);
    expect(q.sql).toContain('t.search_vector @@');
    expect(q.sql).toContain('ts_rank');
    expect(q.sql).toContain('t.archived_at is null');
    expect(q.params).toEqual(["'mk3':*", '%mk3%', '3d', 4, "'mk3':*", 50, 100]);
    expect(q.sql.split('?').length - 1).toBe(q.params.length);
  });
  it('escapes LIKE wildcards in the substring', () => {
    expect(listQuery({ q: '50%_' }, 1, 0).params).toContain('%50\\%\\_%');
  });
  it('counts with the same filter', () => {
    const q = countQuery({ lent: true, includeArchived: true });
    expect(q.sql).toContain('l.id is not null');
    expect(q.sql).not.toContain('archived_at is null');
  });
  it('matches nothing for an empty id list', () => {
    expect(listQuery({ ids: [] }, 1, 0).sql).toContain('false');
  });
});
