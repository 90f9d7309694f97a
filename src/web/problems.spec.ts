import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../auth/password-policy.js';
import { resolveTimes } from '../calendar/event-times.js';
import { AppError, type Problem } from '../core/app.errors.js';
import { borrowProblem, ownershipProblems } from '../inventory/ownership.js';
import { slugProblem } from '../inventory/thing-ref.js';
import { normalizeRule } from '../calendar/recurrence.js';
import { parseLocal } from '../calendar/time-zone.js';
import { parseCsv } from '../members/csv/csv-parse.js';
import { mapHeader, toImportRecords } from '../members/csv/member-csv.js';
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

describe('recurrence rules and import files in German', () => {
  it('says a refused rule in German, ical.js’s own words kept', () => {
    const first = parseLocal('2026-03-10T19:00')!;
    const say = (rule: string) => {
      const r = normalizeRule(rule, first, 'Europe/Berlin', false);
      return 'problem' in r ? problemText('de', r.problem) : r.rule;
    };
    expect(say('jeden Dienstag')).toBe('„JEDEN DIENSTAG“ hat nicht die Form SCHLÜSSEL=WERT');
    expect(say('FREQ=DAILY;COUNT=0')).toBe('COUNT muss eine ganze Zahl von 1 bis 1000 sein');
    expect(say('FREQ=DAILY;UNTIL=20250101')).toBe('UNTIL liegt vor dem Beginn');
    expect(say('FREQ=HOURLY')).toBe('FREQ muss eines von DAILY, WEEKLY, MONTHLY, YEARLY sein');
    expect(say('FREQ=WEEKLY;BYDAY=XX')).toBe('ist keine gültige Regel (invalid BYDAY value "XX")');
  });

  it('says the header’s and the parser’s problems in German', () => {
    const h = mapHeader(['Nr', 'Lieblingsfarbe', 'Nr']);
    const said = 'problems' in h ? h.problems.map((p) => problemText('de', p)) : [];
    expect(said[0]).toMatch(/^unbekannte Spalte „Lieblingsfarbe“; möglich sind: Mitgliedsnummer, /);
    expect(said.slice(1)).toEqual([
      'die Spalte „Nr“ (Feld 3) ist dieselbe wie „Nr“ (Feld 1)',
      'die Spalte für den Vornamen fehlt (Vorname, first_name, firstname, given_name)',
      'die Spalte für den Nachnamen fehlt (Nachname, Name, last_name, lastname, surname, family_name)',
    ]);
    const [open] = parseCsv('a;b\n1;"offen\n', ';').errors;
    expect(open && problemText('de', open)).toBe('das Anführungszeichen in Feld 2 wird nie geschlossen');
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
    const first = parseLocal('2026-03-10T19:00')!;
    const rules = [
      '',
      'jeden Dienstag',
      'FREQ=WEEKLY;BYHOUR=10',
      'FREQ=WEEKLY;FREQ=DAILY',
      'BYDAY=TU',
      'FREQ=HOURLY',
      'FREQ=DAILY;COUNT=0',
      'FREQ=DAILY;INTERVAL=0',
      'FREQ=DAILY;COUNT=3;UNTIL=20270101',
      'FREQ=DAILY;UNTIL=gestern',
      'FREQ=DAILY;UNTIL=20250101',
      'FREQ=WEEKLY;BYDAY=XX',
    ].map((r) => normalizeRule(r, first, 'Europe/Berlin', false));
    const headers = [
      ['Vorname', 'Farbe'],
      ['Nr', 'Farbe', 'Hut', 'Nr'],
    ].map(mapHeader);
    const csv = parseCsv('a;b\n1;"x"y\n2;"z\nw"v\n4;"open\n', ';');
    const problems: Problem[] = [
      ...rules.flatMap((r) => ('problem' in r ? [r.problem] : [])),
      ...headers.flatMap((h) => ('problems' in h ? h.problems : [])),
      ...csv.errors,
      ...passwordProblems(`karl ${'x'.repeat(1030)}`, ['karl']),
      ...passwordProblems('passwort', []),
      ...ownershipProblems({ ownership: 'lent-to-club', ...base }),
      ...ownershipProblems({ ownership: 'club', ...base, ownerMemberId: 1, ownerName: 'x', ownerUntil: '2027-01-01' }),
      ...[borrowProblem(borrow), borrowProblem({ ...borrow, induction: undefined }), slugProblem('12')],
      ...toImportRecords([row], columns, []).problems,
      // The time zone is worded for people on the pages, in English too (so are the other times).
      ...(Array.isArray(times) ? times.map((p) => ({ ...p, message: 'unknown time zone "Mars/X"' })) : []),
    ].filter((p): p is Problem => p !== undefined);
    expect(problems.length).toBeGreaterThan(40);
    for (const p of problems) {
      expect(p.key, p.message).toBeDefined();
      expect(problemText('en', p)).toBe(p.message);
    }
  });
});
