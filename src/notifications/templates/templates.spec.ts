import { describe, expect, it } from 'vitest';
import { formatDateTime, escapeHtml, oneLine } from './template.util.js';
import { renderMail, TEMPLATE_NAMES, TEMPLATES, type TemplateName } from './templates.js';

const ctx = { clubName: 'Hackspace Kreuzberg', timeZone: 'Europe/Berlin' };
const EVIL = '<script>alert(1)</script>';

// Data for every template, with secrets that must never reach a subject.
const SAMPLE: Record<TemplateName, Record<string, string>> = {
  welcome: {
    displayName: 'Rosa Luxemburg',
    registrationUrl: 'https://allmende.example/register?member=7&key=SECRETKEY123',
    expiresAt: '2026-12-07T13:00:00.000Z',
  },
  'board-registration': {
    displayName: 'Rosa Luxemburg',
    username: 'rosa.luxemburg',
    memberUrl: 'https://allmende.example/members/7',
  },
  'account-active': {
    displayName: 'Rosa Luxemburg',
    username: 'rosa.luxemburg',
    addresses: 'rosa.luxemburg@hackspace.example, mitglied-1871@hackspace.example',
  },
  'password-reset': {
    displayName: 'Rosa Luxemburg',
    resetUrl: 'https://allmende.example/reset?member=7&key=SECRETKEY456',
    expiresAt: '2026-12-07T13:00:00.000Z',
  },
  'password-changed': { displayName: 'Rosa Luxemburg' },
  'email-change-confirm': {
    displayName: 'Rosa Luxemburg',
    confirmUrl: 'https://allmende.example/confirm?key=SECRETKEY789',
  },
  'email-change-notice': { displayName: 'Rosa Luxemburg', newAddress: 'rosa@new.example' },
  'loan-overdue': {
    displayName: 'Rosa Luxemburg',
    thingName: 'Lötstation Weller',
    dueOn: '2026-12-07',
    thingUrl: 'https://allmende.example/things/2342',
  },
  'borrowed-thing-due': {
    displayName: 'Nachbarverein e. V.',
    thingName: 'Beamer',
    ownerUntil: '2026-12-07',
    thingUrl: 'https://allmende.example/things/17',
  },
  'induction-expiring': {
    displayName: 'Rosa Luxemburg',
    thingName: 'Lasercutter',
    expiresOn: '2026-12-07',
    thingUrl: 'https://allmende.example/things/5',
  },
  'calendar-announcement': {
    periodFrom: '2026-12-07',
    periodTo: '2026-12-20',
    events: 'Di. 08.12. 19:00 Plenum (Vortragsraum)\nSa. 12.12. 14:00 Lötworkshop',
    calendarUrl: 'https://allmende.example/calendar',
  },
};

const cases = TEMPLATE_NAMES.flatMap((name) => (['de', 'en'] as const).map((lang) => [name, lang] as const));

describe('renderMail', () => {
  it('has sample data for every template', () => {
    expect(Object.keys(SAMPLE).sort()).toEqual([...TEMPLATE_NAMES].sort());
  });

  it.each(cases)('%s (%s): subject, text and HTML, signed by the club', (name, lang) => {
    const mail = renderMail(name, lang, SAMPLE[name], ctx);
    expect(mail.subject.length).toBeGreaterThan(5);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).toContain('Hackspace Kreuzberg');
    expect(mail.html).toMatch(/^<!doctype html>\n<html lang="(de|en)">/);
    expect(mail.html).toContain(`<html lang="${lang}">`);
    expect(mail.html).toContain('Hackspace Kreuzberg');
    // Every value given shows up in the text (the list of addresses item by item).
    for (const [key, value] of Object.entries(SAMPLE[name])) {
      // Dates and times are written out in the mail's language (see below).
      if (/^\d{4}-\d{2}-\d{2}/.test(value)) continue;
      for (const part of value.split(/, |\n/)) expect(mail.text, `${key} in the text`).toContain(part);
    }
  });

  it.each(cases)('%s (%s): no link, key or address of the data in the subject', (name, lang) => {
    const { subject } = renderMail(name, lang, SAMPLE[name], ctx);
    expect(subject).not.toMatch(/https?:|SECRETKEY|key=|@/i);
    for (const [key, value] of Object.entries(SAMPLE[name])) {
      if (key !== 'displayName') expect(subject).not.toContain(value);
    }
  });

  it('speaks German and English', () => {
    expect(renderMail('welcome', 'de', SAMPLE.welcome, ctx).subject).toBe('Willkommen bei Hackspace Kreuzberg');
    expect(renderMail('welcome', 'en', SAMPLE.welcome, ctx).subject).toBe('Welcome to Hackspace Kreuzberg');
    expect(renderMail('password-changed', 'de', SAMPLE['password-changed'], ctx).text).toMatch(/^Hallo Rosa/);
    expect(renderMail('password-changed', 'en', SAMPLE['password-changed'], ctx).text).toMatch(/^Hello Rosa/);
  });

  it.each(cases)(
    '%s (%s): escapes HTML in every value for the HTML part, keeps it verbatim in the text',
    (name, lang) => {
      const data = Object.fromEntries(Object.keys(SAMPLE[name]).map((k) => [k, `${EVIL} ${k}`]));
      const mail = renderMail(name, lang, data, ctx);
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
      expect(mail.text).toContain(EVIL);
    },
  );

  it('escapes the club name and quotes, so no value can leave an attribute', () => {
    const mail = renderMail(
      'welcome',
      'en',
      { ...SAMPLE.welcome, registrationUrl: 'https://x.example/"><img src=x onerror=alert(1)>' },
      { clubName: 'A & B <Club>' },
    );
    expect(mail.html).toContain('A &#38; B &#60;Club&#62;');
    expect(mail.html).not.toContain('"><img');
    expect(mail.html).toContain('href="https://x.example/&#34;&#62;&#60;img src=x onerror=alert(1)&#62;"');
  });

  it('links only web addresses: a javascript: URL is shown as text', () => {
    const mail = renderMail('welcome', 'en', { ...SAMPLE.welcome, registrationUrl: 'javascript:alert(1)' }, ctx);
    expect(mail.html).not.toContain('href="javascript');
    expect(mail.html).toContain('<p>javascript:alert(1)</p>');
  });

  it('keeps a display name with a line break out of the subject header', () => {
    const mail = renderMail(
      'board-registration',
      'de',
      { ...SAMPLE['board-registration'], displayName: 'Rosa\r\nBcc: everyone@example.org' },
      ctx,
    );
    expect(mail.subject).toBe('Registrierung abgeschlossen: Rosa Bcc: everyone@example.org');
  });

  it('refuses missing and unknown data keys, naming them', () => {
    expect(() => renderMail('welcome', 'de', { displayName: 'Rosa', expiresAt: 'x' }, ctx)).toThrow(
      'mail template "welcome": missing registrationUrl',
    );
    expect(() => renderMail('password-changed', 'de', { displayName: 'Rosa', resetURL: 'x' }, ctx)).toThrow(
      'unknown resetURL',
    );
  });

  it('lists the addresses of an active account, and none when there are none', () => {
    const mail = renderMail('account-active', 'en', SAMPLE['account-active'], ctx);
    expect(mail.text).toContain('- rosa.luxemburg@hackspace.example\n- mitglied-1871@hackspace.example');
    expect(mail.html).toContain('<li>mitglied-1871@hackspace.example</li>');
    const none = renderMail('account-active', 'en', { ...SAMPLE['account-active'], addresses: '' }, ctx);
    expect(none.text).not.toContain('mail addresses');
    expect(none.html).not.toContain('<ul>');
  });

  it('names the board address where a member should turn to', () => {
    const mail = renderMail('password-changed', 'en', SAMPLE['password-changed'], {
      ...ctx,
      boardAddress: 'vorstand@hackspace.example',
    });
    expect(mail.text).toContain('tell the board (vorstand@hackspace.example).');
    expect(mail.text).toContain('Questions? Write to vorstand@hackspace.example.');
  });

  it('every template to a person greets them by name', () => {
    // The calendar announcement goes to a list (e.g. the members' Mailman list), not to a person.
    const toLists: TemplateName[] = ['calendar-announcement'];
    for (const name of TEMPLATE_NAMES.filter((n) => !toLists.includes(n))) {
      expect(TEMPLATES[name].fields).toContain('displayName');
    }
  });
});

describe('formatDay', () => {
  it('writes a day in the language', () => {
    expect(renderMail('loan-overdue', 'de', SAMPLE['loan-overdue'], ctx).text).toContain('am 7. Dezember 2026 zurück');
    expect(renderMail('loan-overdue', 'en', SAMPLE['loan-overdue'], ctx).text).toContain('due back on 7 December 2026');
  });
});

describe('formatDateTime', () => {
  it('writes an ISO timestamp as a date and time in the language and zone', () => {
    // 13:00 UTC is 14:00 in Berlin in December.
    expect(formatDateTime('2026-12-07T13:00:00.000Z', 'de', 'Europe/Berlin')).toBe('7. Dezember 2026 um 14:00 MEZ');
    expect(formatDateTime('2026-12-07T13:00:00.000Z', 'en', 'Europe/Berlin')).toBe('7 December 2026 at 14:00 CET');
  });

  it('leaves anything else as given', () => {
    expect(formatDateTime('in 14 Tagen', 'de')).toBe('in 14 Tagen');
    expect(formatDateTime('2026-13-45T99:00:00Z', 'de')).toBe('2026-13-45T99:00:00Z');
  });
});

describe('escapeHtml and oneLine', () => {
  it('escape the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });

  it('turn control characters into spaces', () => {
    expect(oneLine(' a\r\nb\tc\u200b ')).toBe('a b c');
  });
});
