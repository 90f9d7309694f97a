import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('mail configuration', () => {
  it('writes mails to files by default, from allmende@localhost, in German', () => {
    const config = parseConfig({});
    expect(config.mail).toEqual({
      smtp: undefined,
      from: 'allmende@localhost',
      boardAddress: undefined,
      maxAttempts: 20,
      domain: undefined,
      pseudonymPattern: 'mitglied-{number}',
      graceDays: 30,
    });
    expect(config.lifecycle).toEqual({
      registrationTtlDays: 14,
      resetTtlMinutes: 60,
      resetIntervalMinutes: 15,
      resetMaxPerAddress: 20,
      emailChangeTtlHours: 48,
    });
    expect(config.clubName).toBe('allmende');
    expect(config.defaultLanguage).toBe('de');
  });

  it('reads the SMTP server with STARTTLS on 587 unless told otherwise', () => {
    const config = parseConfig({
      ALLMENDE_SMTP_HOST: 'mail.example.org',
      ALLMENDE_SMTP_USER: 'allmende',
      ALLMENDE_SMTP_PASSWORD: 'geheim',
      ALLMENDE_MAIL_FROM: 'verein@example.org',
      ALLMENDE_BOARD_ADDRESS: 'vorstand@example.org',
      ALLMENDE_CLUB_NAME: 'Hackspace Kreuzberg',
      ALLMENDE_DEFAULT_LANGUAGE: 'en',
      ALLMENDE_MAIL_MAX_ATTEMPTS: '5',
    });
    expect(config.mail).toEqual({
      smtp: { host: 'mail.example.org', port: 587, tls: 'starttls', user: 'allmende', password: 'geheim' },
      from: 'verein@example.org',
      boardAddress: 'vorstand@example.org',
      maxAttempts: 5,
      domain: undefined,
      pseudonymPattern: 'mitglied-{number}',
      graceDays: 30,
    });
    expect(config.clubName).toBe('Hackspace Kreuzberg');
    expect(config.defaultLanguage).toBe('en');
  });

  it('names both variables when only the user or only the password is set', () => {
    const onlyUser = problems({ ALLMENDE_SMTP_HOST: 'mail.example.org', ALLMENDE_SMTP_USER: 'allmende' });
    expect(onlyUser).toEqual([
      'ALLMENDE_SMTP_PASSWORD: ALLMENDE_SMTP_USER and ALLMENDE_SMTP_PASSWORD go together: set both or neither',
    ]);
    const onlyPassword = problems({ ALLMENDE_SMTP_HOST: 'mail.example.org', ALLMENDE_SMTP_PASSWORD: 'geheim' });
    expect(onlyPassword[0]).toMatch(/^ALLMENDE_SMTP_USER: .*ALLMENDE_SMTP_PASSWORD/);
    expect(onlyPassword.join()).not.toContain('geheim');
  });

  it('refuses credentials without a host, and a password in plain text to a remote host', () => {
    expect(problems({ ALLMENDE_SMTP_USER: 'a', ALLMENDE_SMTP_PASSWORD: 'b' })[0]).toMatch(
      /^ALLMENDE_SMTP_HOST: required/,
    );
    const plain = { ALLMENDE_SMTP_USER: 'a', ALLMENDE_SMTP_PASSWORD: 'b', ALLMENDE_SMTP_TLS: 'none' };
    expect(problems({ ...plain, ALLMENDE_SMTP_HOST: 'mail.example.org' })[0]).toMatch(/^ALLMENDE_SMTP_TLS: none would/);
    expect(problems({ ...plain, ALLMENDE_SMTP_HOST: '127.0.0.1' })).toEqual([]);
    expect(problems({ ...plain, ALLMENDE_SMTP_HOST: 'localhost' })).toEqual([]);
  });

  it.each([
    ['ALLMENDE_SMTP_TLS', 'ssl'],
    ['ALLMENDE_SMTP_PORT', '0'],
    ['ALLMENDE_MAIL_FROM', 'not an address'],
    ['ALLMENDE_BOARD_ADDRESS', 'vorstand'],
    ['ALLMENDE_DEFAULT_LANGUAGE', 'fr'],
    ['ALLMENDE_MAIL_MAX_ATTEMPTS', '0'],
    ['ALLMENDE_CLUB_NAME', 'Club\u0007'],
  ])('refuses %s=%j, naming it', (name, value) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name}: `));
  });
});

describe('member addresses', () => {
  it('lower-cases the mail domain and refuses what is not a domain or a pattern without {number}', () => {
    expect(parseConfig({ ALLMENDE_MAIL_DOMAIN: 'Example.ORG' }).mail.domain).toBe('example.org');
    expect(problems({ ALLMENDE_MAIL_DOMAIN: 'http://example.org' })[0]).toMatch(
      /^ALLMENDE_MAIL_DOMAIN: must be a domain/,
    );
    expect(problems({ ALLMENDE_PSEUDONYM_PATTERN: 'mitglied' })[0]).toMatch(/^ALLMENDE_PSEUDONYM_PATTERN: must be/);
  });
});

describe('Jabber', () => {
  it('lower-cases the Jabber domain, allows a dotless one, and refuses what is not a domain', () => {
    expect(parseConfig({ ALLMENDE_JABBER_DOMAIN: 'Jabber.Example.ORG' }).jabber.domain).toBe('jabber.example.org');
    expect(parseConfig({ ALLMENDE_JABBER_DOMAIN: 'localhost' }).jabber.domain).toBe('localhost');
    expect(problems({ ALLMENDE_JABBER_DOMAIN: 'user@example.org' })[0]).toMatch(
      /^ALLMENDE_JABBER_DOMAIN: must be a domain/,
    );
  });

  it('has the verify cache on for ten minutes unless set to 0', () => {
    expect(parseConfig({}).jabber).toEqual({ domain: undefined, maxFailuresPerToken: 500, verifyCacheSeconds: 600 });
    expect(parseConfig({ ALLMENDE_JABBER_VERIFY_CACHE_SECONDS: '0' }).jabber.verifyCacheSeconds).toBe(0);
  });
});

describe('retention after an exit', () => {
  it('keeps member number and periods by default, what is listed otherwise, and refuses the unknown', () => {
    expect(parseConfig({}).retention).toEqual({ memberNumber: true, periods: true });
    expect(parseConfig({ ALLMENDE_RETAIN_AFTER_EXIT: 'none' }).retention).toEqual({
      memberNumber: false,
      periods: false,
    });
    expect(parseConfig({ ALLMENDE_RETAIN_AFTER_EXIT: 'periods' }).retention).toEqual({
      memberNumber: false,
      periods: true,
    });
    expect(problems({ ALLMENDE_RETAIN_AFTER_EXIT: 'names' })[0]).toMatch(/^ALLMENDE_RETAIN_AFTER_EXIT/);
  });
});

describe('sync configuration', () => {
  it('leaves Mailman and MediaWiki off unless configured', () => {
    const config = parseConfig({});
    expect(config.mailman).toBeUndefined();
    expect(config.wiki).toBeUndefined();
    expect(config.sync).toEqual({ debounceMs: 300 });
  });

  it('reads Mailman and the wiki with their group map', () => {
    const config = parseConfig({
      ALLMENDE_MAILMAN_URL: 'http://127.0.0.1:8001/',
      ALLMENDE_MAILMAN_PASSWORD: 'secret',
      ALLMENDE_WIKI_DATABASE_URL: 'mysql://wiki:pw@127.0.0.1:3306/wikidb',
      ALLMENDE_WIKI_GROUPS: 'board=sysop, board=bureaucrat,helpers=editor',
    });
    expect(config.mailman).toEqual({
      url: 'http://127.0.0.1:8001',
      user: 'restadmin',
      password: 'secret',
      timeoutMs: 10_000,
      cron: '*/15 * * * *',
    });
    expect(config.wiki?.groups).toEqual([
      ['board', 'sysop'],
      ['board', 'bureaucrat'],
      ['helpers', 'editor'],
    ]);
  });

  it('names what is missing or malformed, without showing the URL', () => {
    expect(problems({ ALLMENDE_MAILMAN_URL: 'http://127.0.0.1:8001' })).toEqual([
      expect.stringMatching(/^ALLMENDE_MAILMAN_PASSWORD: required with ALLMENDE_MAILMAN_URL/),
    ]);
    expect(problems({ ALLMENDE_WIKI_GROUPS: 'board:sysop' })[0]).toMatch(
      /^ALLMENDE_WIKI_GROUPS: must be group=wikigroup/,
    );
    const [url] = problems({ ALLMENDE_WIKI_DATABASE_URL: 'postgres://u:geheim@host/db' });
    expect(url).toMatch(/^ALLMENDE_WIKI_DATABASE_URL: must be a mysql/);
    expect(url).not.toContain('geheim');
    expect(problems({ ALLMENDE_MAILMAN_CRON: 'every hour' })[0]).toMatch(/cron expression/);
  });
});

describe('directory configuration', () => {
  const ldap = {
    ALLMENDE_LDAP_URL: 'ldap://127.0.0.1:389',
    ALLMENDE_LDAP_BASE: 'dc=club,dc=example',
    ALLMENDE_LDAP_BIND_PASSWORD: 'secret',
  };

  it('is off unless configured; the writer defaults to cn=allmende under the base', () => {
    expect(parseConfig({}).ldap).toBeUndefined();
    expect(parseConfig(ldap).ldap).toEqual({
      url: 'ldap://127.0.0.1:389',
      base: 'dc=club,dc=example',
      bindDn: 'cn=allmende,dc=club,dc=example',
      bindPassword: 'secret',
      bindPasswordFile: undefined,
      startTls: false,
      caFile: undefined,
      exclusive: false,
      timeoutMs: 10_000,
      cron: '*/15 * * * *',
    });
  });

  it('needs a base and exactly one password source', () => {
    expect(problems({ ALLMENDE_LDAP_URL: 'ldap://127.0.0.1' })).toEqual([
      expect.stringMatching(/^ALLMENDE_LDAP_BASE: required with ALLMENDE_LDAP_URL/),
      expect.stringMatching(/^ALLMENDE_LDAP_BIND_PASSWORD: set exactly one of/),
    ]);
    expect(problems({ ...ldap, ALLMENDE_LDAP_BIND_PASSWORD_FILE: '/run/secrets/ldap' })[0]).toMatch(
      /^ALLMENDE_LDAP_BIND_PASSWORD: set exactly one of/,
    );
    expect(problems({ ...ldap, ALLMENDE_LDAP_BASE: 'club.example' })[0]).toMatch(/^ALLMENDE_LDAP_BASE: must be a DN/);
  });

  it('refuses plain LDAP to a remote server; StartTLS or ldaps:// are fine', () => {
    const remote = { ...ldap, ALLMENDE_LDAP_URL: 'ldap://ldap.club.example' };
    expect(problems(remote)[0]).toMatch(/^ALLMENDE_LDAP_URL: a remote ldap:\/\/ server needs ALLMENDE_LDAP_STARTTLS/);
    expect(parseConfig({ ...remote, ALLMENDE_LDAP_STARTTLS: 'true' }).ldap?.startTls).toBe(true);
    expect(parseConfig({ ...ldap, ALLMENDE_LDAP_URL: 'ldaps://ldap.club.example' }).ldap?.url).toBe(
      'ldaps://ldap.club.example',
    );
    expect(problems({ ...ldap, ALLMENDE_LDAP_URL: 'ldaps://x.example', ALLMENDE_LDAP_STARTTLS: 'true' })[0]).toMatch(
      /^ALLMENDE_LDAP_STARTTLS: ldaps:\/\/ is TLS already/,
    );
  });
});
