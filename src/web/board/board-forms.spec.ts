import { describe, expect, it } from 'vitest';
import { boardNav, field, optional } from './board-forms.js';
import { listHref, statusDone } from './board-members.controller.js';
import { changeLabel } from './board-import.controller.js';
import { ownerFieldErrors, ownerRef, thingInput } from './board-inventory.controller.js';

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
    expect(values.ownerMember).toBe('');
    expect(thingInput({ name: 'x', ownerMember: ' ada ' }).values.ownerMember).toBe(' ada ');
    expect(thingInput({ name: 'x', locationId: '' }).input.locationId).toBeNull();
  });
});

describe('statusDone', () => {
  it('says "changed" only when the status or its first day moved', () => {
    const before = { status: 'member', statusSince: '2024-01-01' };
    expect(statusDone(before, { status: 'supporter', statusSince: '2026-03-01' })).toBe('status');
    // Same status on its own first day: the service corrects nothing.
    expect(statusDone(before, { ...before })).toBe('status-unchanged');
    // A member without any period gets a first one.
    expect(statusDone({ status: null, statusSince: null }, before)).toBe('status');
  });
});

describe('ownerRef', () => {
  const shown = { id: 12, text: 'ada.lovelace' };
  it('reads nobody, the owner the form showed, or a username', () => {
    expect(ownerRef('  ', shown)).toEqual({ kind: 'none' });
    expect(ownerRef('ada.lovelace', shown)).toEqual({ kind: 'keep', id: 12 });
    // "#12" is how a helper sees an owner they may not look up; kept without a lookup.
    expect(ownerRef('#12', { id: 12, text: '#12' })).toEqual({ kind: 'keep', id: 12 });
    expect(ownerRef('@grace', shown)).toEqual({ kind: 'username', username: 'grace' });
    expect(ownerRef('Grace ', null)).toEqual({ kind: 'username', username: 'Grace' });
    expect(ownerRef('x'.repeat(65), null)).toEqual({ kind: 'too-long' });
  });
});

describe('ownerFieldErrors', () => {
  it('puts the service’s owner problems at the owner field, joined', () => {
    expect(
      ownerFieldErrors({ ownerMemberId: 'say which member owns it', owner: 'club property has no other owner' }),
    ).toEqual({ ownerMember: 'say which member owns it; club property has no other owner' });
    expect(ownerFieldErrors({ name: 'must not be empty', ownerName: 'x' })).toEqual({
      name: 'must not be empty',
      ownerName: 'x',
    });
  });
});

describe('changeLabel', () => {
  it('names a planned change by the record’s label in the language, a profile field by its key', () => {
    expect(changeLabel('de', 'privateEmail')).toBe('Private Mail-Adresse');
    expect(changeLabel('en', 'firstName')).toBe('First name');
    expect(changeLabel('de', 'since')).toBe('Status seit');
    expect(changeLabel('de', 'profile.phone')).toBe('phone');
    expect(changeLabel('en', 'something')).toBe('something');
  });
});
