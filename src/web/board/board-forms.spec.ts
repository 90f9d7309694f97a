import { describe, expect, it } from 'vitest';
import { boardNav, field, optional } from './board-forms.js';
import { listHref } from './board-members.controller.js';
import { thingInput } from './board-inventory.controller.js';

describe('boardNav', () => {
  it('shows helpers their pages only, and marks the deepest match', () => {
    const helper = boardNav('helper', '/board/members/12');
    expect(helper.map((i) => i.href)).toEqual([
      '/board',
      '/board/members',
      '/board/exports',
      '/board/groups',
      '/board/things',
      '/board/locations',
      '/board/rooms',
    ]);
    expect(helper.filter((i) => i.current).map((i) => i.href)).toEqual(['/board/members']);
  });

  it('gives the board (and the admin) every page; the dashboard is current only on /board', () => {
    expect(
      boardNav('admin', '/board')
        .filter((i) => i.current)
        .map((i) => i.href),
    ).toEqual(['/board']);
    expect(boardNav('board', '/board/sync').map((i) => i.href)).toContain('/board/intake');
    expect(boardNav('board', '/boardroom').some((i) => i.current)).toBe(false);
  });
});

describe('form fields', () => {
  it('takes the first of repeated values, and empty text as missing', () => {
    expect(field({ a: ['x', 'y'] }, 'a')).toBe('x');
    expect(field({}, 'a')).toBe('');
    expect(optional({ a: '  ' }, 'a')).toBeNull();
    expect(optional({ a: ' b ' }, 'a')).toBe('b');
  });
});

describe('listHref', () => {
  it('keeps search and filters, and leaves page 1 out', () => {
    expect(listHref({ q: 'a&b', state: 'active' }, 2)).toBe('/board/members?q=a%26b&state=active&page=2');
    expect(listHref({ q: 'x' }, 1)).toBe('/board/members?q=x');
    expect(listHref({}, 1)).toBe('/board/members');
  });
});

describe('thingInput', () => {
  it('turns the form into the API input: tags split, empty fields null, the place a number', () => {
    const { input, values } = thingInput({
      name: 'Säge',
      tags: 'holz, werkzeug  akku',
      locationId: '7',
      ownerName: '',
      needsInduction: 'on',
    });
    expect(input).toMatchObject({
      name: 'Säge',
      tags: ['holz', 'werkzeug', 'akku'],
      locationId: 7,
      ownerName: null,
      ownership: 'club',
      needsInduction: true,
    });
    expect(values.tags).toBe('holz, werkzeug  akku');
    expect(thingInput({ name: 'x', locationId: '' }).input.locationId).toBeNull();
  });
});
