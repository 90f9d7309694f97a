import { describe, expect, it } from 'vitest';
import { escapeLike, listQuery } from './member-query.js';

describe('listQuery', () => {
  it('passes every value as a parameter, never inside the SQL', () => {
    const q = listQuery(
      { q: "O'Brien%", searchScope: 'all', states: ['active'], status: 'member', group: 'board' },
      50,
      100,
    );
    expect(q.sql).not.toContain("O'Brien");
    expect(q.params).toEqual(["%o'brien\\%%", 'active', 'member', 'board', 50, 100]);
  });

  it('searches only names and usernames for members', () => {
    expect(listQuery({ q: 'rosa', searchScope: 'names' }, 10, 0).sql).toContain('lower(m.display_name');
    expect(listQuery({ q: 'rosa', searchScope: 'all' }, 10, 0).sql).toContain('m.search_text like');
  });

  it('picks the page of ids before it computes the view columns', () => {
    const q = listQuery({ q: 'rosa', searchScope: 'all' }, 50, 9950);
    expect(q.sql).toMatch(
      /join \(select m\.id from member m\s+where m\.search_text like \?\s+order by [^)]*limit \? offset \?\) page/,
    );
  });

  it('filters nothing without filters', () => {
    const q = listQuery({ searchScope: 'all' }, 10, 0);
    expect(q.sql).toMatch(/from member m\s+order by/);
    expect(q.params).toEqual([10, 0]);
  });
});

describe('escapeLike', () => {
  it.each([
    ['50%', '50\\%'],
    ['a_b', 'a\\_b'],
    ['back\\slash', 'back\\\\slash'],
  ])('%s → %s', (input, out) => expect(escapeLike(input)).toBe(out));
});
