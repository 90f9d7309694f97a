import { describe, expect, it } from 'vitest';
import { baseLdif, ldifLine, slapdConf, SlapdConfigError } from './slapd-config.js';

const BASE = 'dc=club,dc=example';
const input = {
  base: BASE,
  writerDn: `cn=allmende,${BASE}`,
  readerDn: `cn=reader,${BASE}`,
  dataDir: '/var/lib/ldap/allmende',
  runDir: '/var/run/slapd',
};

describe('slapdConf', () => {
  const conf = slapdConf(input);

  it('loads mdb and the argon2 module and indexes what programs search by', () => {
    expect(conf).toMatch(/^moduleload back_mdb$/m);
    expect(conf).toMatch(/^moduleload argon2$/m);
    expect(conf).toMatch(/^suffix "dc=club,dc=example"$/m);
    for (const i of ['objectClass eq', 'uid,mail eq', 'cn eq,sub', 'member eq']) expect(conf).toContain(`index ${i}`);
  });

  it('lets nobody read passwords: the writer writes them, everyone binds with them', () => {
    const acl = conf.slice(conf.indexOf('access to attrs=userPassword'));
    expect(acl.split('\n').slice(0, 4)).toEqual([
      'access to attrs=userPassword',
      '  by dn.exact="cn=allmende,dc=club,dc=example" write',
      '  by anonymous auth',
      '  by * none',
    ]);
    // The password rule comes before the rule that lets the reader read entries.
    expect(conf.indexOf('attrs=userPassword')).toBeLessThan(conf.indexOf('by dn.exact="cn=reader'));
  });

  it('refuses DNs it cannot quote', () => {
    expect(() => slapdConf({ ...input, writerDn: 'cn=a"b,dc=x' })).toThrow(SlapdConfigError);
  });
});

describe('baseLdif', () => {
  const ldif = baseLdif({
    base: BASE,
    organization: 'Verein für Müll',
    writerDn: input.writerDn,
    writerPassword: '{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$a$b',
    readerDn: input.readerDn,
    readerPassword: '{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$c$d',
  });

  it('has the suffix, ou=people, ou=groups, the writer and the reader, in that order', () => {
    expect([...ldif.matchAll(/^dn: (.*)$/gm)].map((m) => m[1])).toEqual([
      BASE,
      `ou=people,${BASE}`,
      `ou=groups,${BASE}`,
      `cn=allmende,${BASE}`,
      `cn=reader,${BASE}`,
    ]);
    expect(ldif).toContain('userPassword: {ARGON2}$argon2id$v=19$m=19456,t=2,p=1$c$d');
  });

  it('base64-encodes values that are not plain ASCII', () => {
    expect(ldif).toContain(`o:: ${Buffer.from('Verein für Müll').toString('base64')}`);
    expect(ldifLine('cn: :colon')).toBe(`cn:: ${Buffer.from(':colon').toString('base64')}`);
    expect(ldifLine('cn: plain')).toBe('cn: plain');
  });

  it('refuses a base it cannot make an entry for, and accounts outside the base', () => {
    const ok = { organization: 'x', writerPassword: 'p', readerPassword: 'p' };
    expect(() => baseLdif({ ...ok, base: 'l=Wien', writerDn: 'cn=a,l=Wien', readerDn: 'cn=r,l=Wien' })).toThrow(
      /must start with dc=, o= or ou=/,
    );
    expect(() => baseLdif({ ...ok, base: BASE, writerDn: 'cn=a,dc=other', readerDn: input.readerDn })).toThrow(
      /must be cn=<name>,dc=club,dc=example/,
    );
  });
});

describe('slapdConf: flushing', () => {
  it('flushes once a minute by default and at every write with durable', () => {
    expect(slapdConf(input)).toMatch(/^dbnosync\ncheckpoint 1024 1$/m);
    expect(slapdConf({ ...input, durable: true })).not.toMatch(/dbnosync|checkpoint/);
  });
});
