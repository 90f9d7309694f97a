import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../auth/password-policy.js';
import { resolveTimes } from '../calendar/event-times.js';
import { AppError, type Problem } from '../core/app.errors.js';
import { borrowProblem, ownershipProblems } from '../inventory/ownership.js';
import { slugProblem } from '../inventory/thing-ref.js';
import { toImportRecords } from '../members/csv/member-csv.js';
import { errorsOf, refusalText } from './field-errors.js';
import { problemText, zodGerman } from './problems.js';

describe('problemText', () => {
  it("says zod's own issues in zod's German", () => {
    const issue = { code: 'too_big', origin: 'string', maximum: 32, inclusive: true };
    const message = 'Too big: expected string to have <=32 characters';
    expect(problemText('de', { message, issue })).toBe('Zu groß: erwartet, dass string <=32 Zeichen hat');
    expect(problemText('en', { message, issue })).toBe(message);
    expect(zodGerman({ code: 'invalid_type', expected: 'string', received: 'undefined' })).toBe(
      'Ungültige Eingabe: erwartet string, erhalten undefined',
    );
    // A type zod names by its class: no sample to word it with, so the English stays.
    expect(
      problemText('de', { message: 'x', issue: { code: 'invalid_type', expected: 'string', received: 'Date' } }),
    ).toBe('x');
  });

  it('says a problem with a key in the language, its values filled in', () => {
    const p = { message: 'at least 12 characters', key: 'password.tooShort' as const, params: { min: 12 } };
    expect(problemText('de', p)).toBe('mindestens 12 Zeichen');
    expect(problemText('en', p)).toBe('at least 12 characters');
  });

  it('keeps the English message of a problem without a key', () => {
    expect(problemText('de', { message: 'FREQ is missing' })).toBe('FREQ is missing');
    expect(problemText('en', { message: 'FREQ is missing' })).toBe('FREQ is missing');
  });
});

describe('errorsOf and refusalText', () => {
  it('joins a field’s problems, each in the language, under the form’s names', () => {
    const problems = [
      { field: 'password', message: 'at least 12 characters', key: 'password.tooShort' as const, params: { min: 12 } },
      { field: 'password', message: 'something new' },
      { field: 'profile.phone', message: 'must not be empty', key: 'field.empty' as const },
    ];
    expect(errorsOf(problems, 'de', (f) => f.replace('.', '_'))).toEqual({
      password: 'mindestens 12 Zeichen; something new',
      profile_phone: 'darf nicht leer sein',
    });
    expect(errorsOf(problems, 'en').password).toBe('at least 12 characters; something new');
  });

  it('says a refusal in the language, or as the service said it', () => {
    const clash = AppError.of('CONFLICT', {
      message:
        '"Vortragsraum" is already booked from 2026-03-24 19:00 to 2026-03-24 23:00 (Europe/Berlin) by the event "Cocktailparty" (/events/cocktailparty)',
      key: 'booking.clash',
      params: {
        resource: 'Vortragsraum',
        from: '2026-03-24 19:00',
        to: '2026-03-24 23:00',
        zone: 'Europe/Berlin',
        title: 'Cocktailparty',
        path: '/events/cocktailparty',
      },
    });
    expect(refusalText(clash, 'de')).toBe(
      '„Vortragsraum“ ist von 2026-03-24 19:00 bis 2026-03-24 23:00 (Europe/Berlin) schon belegt: „Cocktailparty“ (/events/cocktailparty)',
    );
    expect(refusalText(clash, 'en')).toBe(clash.message);
    expect(refusalText(new AppError('INVALID_STATE', 'no key'), 'de')).toBe('no key');
  });
});

describe('the English catalog', () => {
  it("says what the services say: an English page shows a keyed problem as the API's message", () => {
    const row = { line: 2, cells: ['1 2', '', 'x'.repeat(101), 'a@b', '31.02.2020', 'fr'] };
    const columns = ['memberNumber', 'firstName', 'lastName', 'email', 'since', 'language'] as const;
    const base = { ownerMemberId: null, ownerName: null, ownerUntil: null };
    const borrow = {
      ownership: 'club' as const,
      ownerMemberId: null,
      archived: false,
      openLoan: false,
      needsInduction: true,
      induction: { expiresOn: '2026-01-01' },
      borrowerId: 1,
      lentByHelper: false,
      today: '2026-06-01',
      dueOn: '2026-07-01',
    };
    const times = resolveTimes({
      start: '2026-07-01T19:00',
      end: '2026-07-01T20:00',
      timeZone: 'Mars/X',
      allDay: false,
    });
    const problems: Problem[] = [
      ...passwordProblems(`karl ${'x'.repeat(1030)}`, ['karl']),
      ...passwordProblems('passwort', []),
      ...ownershipProblems({ ownership: 'lent-to-club', ...base }),
      ...ownershipProblems({ ownership: 'club', ...base, ownerMemberId: 1, ownerName: 'x', ownerUntil: '2027-01-01' }),
      ...[borrowProblem(borrow), borrowProblem({ ...borrow, induction: undefined }), slugProblem('12')],
      ...toImportRecords([row], columns, []).problems,
      // The time zone is worded for people on the pages, in English too (so are the other times).
      ...(Array.isArray(times) ? times.map((p) => ({ ...p, message: 'unknown time zone "Mars/X"' })) : []),
    ].filter((p): p is Problem => p !== undefined);
    expect(problems.length).toBeGreaterThan(15);
    for (const p of problems) {
      expect(p.key, p.message).toBeDefined();
      expect(problemText('en', p)).toBe(p.message);
    }
  });
});
