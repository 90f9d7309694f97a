import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../core/app.errors.js';
import type { ThingView } from '../../inventory/thing-view.js';
import { all, checked, formErrors, text, zodErrors } from './form.js';
import { ownerText, thingActions } from './things-pages.controller.js';

const thing = (over: Partial<ThingView> = {}): ThingView => ({ archived: false, loan: null, ...over }) as ThingView;
const loan = (borrowerId: number) => ({ id: 1, borrowerId, borrowerName: 'B', dueOn: '2999-01-01', overdue: false });

describe('thingActions', () => {
  it('offers borrowing to members, lending to others to helpers, returning to the borrower or a helper', () => {
    const member = { role: 'member' as const, memberId: 7 };
    const helper = { role: 'helper' as const, memberId: 8 };
    expect(thingActions(thing(), member)).toMatchObject({ canBorrow: true, lendsToOthers: false, canReturn: false });
    expect(thingActions(thing(), helper)).toMatchObject({ canBorrow: true, lendsToOthers: true, canReturn: false });
    expect(thingActions(thing({ archived: true }), helper)).toMatchObject({ canBorrow: false, lendsToOthers: false });
    // Lent: nobody borrows it; its borrower and any helper (or board) return it, another member not.
    expect(thingActions(thing({ loan: loan(7) }), member)).toMatchObject({ canBorrow: false, canReturn: true });
    expect(thingActions(thing({ loan: loan(9) }), member)).toMatchObject({ canBorrow: false, canReturn: false });
    expect(thingActions(thing({ loan: loan(9) }), { role: 'board', memberId: 1 }).canReturn).toBe(true);
  });
});

describe('ownerText', () => {
  it('names the owning member or lender by display name, and the club for club and donated things', () => {
    const member = { memberId: 3, name: 'Ada' };
    expect(ownerText({ ownership: 'club', owner: null, ownerUntil: null })).toEqual({
      key: 'thing.owner.club',
      name: '',
      until: null,
    });
    expect(ownerText({ ownership: 'member-owned', owner: member, ownerUntil: null })).toMatchObject({
      key: 'thing.owner.member-owned',
      name: 'Ada',
    });
    expect(ownerText({ ownership: 'lent-to-club', owner: member, ownerUntil: '2030-01-31' })).toEqual({
      key: 'thing.owner.lent-to-club',
      name: 'Ada',
      until: '2030-01-31',
    });
    expect(
      ownerText({ ownership: 'lent-to-club', owner: { memberId: null, name: 'Meier' }, ownerUntil: null }),
    ).toMatchObject({ key: 'thing.owner.lent-to-club.open', name: 'Meier' });
    expect(ownerText({ ownership: 'donated', owner: member, ownerUntil: null })).toMatchObject({
      key: 'thing.owner.donated',
      name: 'Ada',
    });
    expect(ownerText({ ownership: 'donated', owner: null, ownerUntil: null }).key).toBe('thing.owner.donated.nameless');
    // An owner gone from the record (the link is set null on deletion) is a question mark, not a crash.
    expect(ownerText({ ownership: 'member-owned', owner: null, ownerUntil: null }).name).toBe('?');
  });
});

describe('form helpers', () => {
  it('reads text, repeated fields and check boxes as browsers send them', () => {
    const body = { a: '  x  ', b: ['1', '2'], c: 'on', d: undefined };
    expect(text(body, 'a')).toBe('x');
    expect(text(body, 'b')).toBe('1');
    expect(text(body, 'missing')).toBe('');
    expect(all(body, 'b')).toEqual(['1', '2']);
    expect(all(body, 'a')).toEqual(['  x  ']);
    expect(all(body, 'd')).toEqual([]);
    expect(checked(body, 'c')).toBe(true);
    expect(checked(body, 'a')).toBe(false);
  });

  it('puts service and zod problems next to their fields, other refusals on the form', () => {
    const validation = AppError.validation([
      { field: 'password', message: 'too short' },
      { field: 'password', message: 'too common' },
      { field: 'borrowerId', message: 'no such member' },
    ]);
    expect(formErrors(validation, 'en', { borrowerId: 'borrower' })).toEqual({
      password: 'too short; too common',
      borrower: 'no such member',
    });
    expect(formErrors(new AppError('INVALID_STATE', 'already lent'), 'en')).toEqual({ '(form)': 'already lent' });
    const lent = AppError.of('INVALID_STATE', { message: 'this thing is archived', key: 'loan.archived' });
    expect(formErrors(lent, 'de')).toEqual({ '(form)': 'dieses Ding ist archiviert' });
    expect(formErrors(new AppError('NOT_FOUND', 'gone'), 'de')).toBeUndefined();
    expect(formErrors(new Error('boom'), 'de')).toBeUndefined();
    const parsed = z.object({ a: z.string().max(1, 'too long'), p: z.object({ k: z.string() }) }).safeParse({
      a: 'xx',
      p: { k: 1 },
    });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(zodErrors(parsed.error, 'en')).toEqual({
        a: 'too long',
        'p.k': 'Invalid input: expected string, received number',
      });
      // Our own message without a key stays English; zod's own words are zod's German.
      expect(zodErrors(parsed.error, 'de')).toEqual({
        a: 'too long',
        'p.k': 'Ungültige Eingabe: erwartet string, erhalten Zahl',
      });
    }
  });
});
