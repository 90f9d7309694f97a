import { describe, expect, it } from 'vitest';
import { escapeDnValue, escapeFilterValue, personDn } from './ldap-dn.js';

describe('escapeDnValue (RFC 4514)', () => {
  it.each([
    ['karl.liebknecht', 'karl.liebknecht'],
    ['Müller, Kalle', 'Müller\\, Kalle'],
    ['a+b"c\\d<e>f;g=h', 'a\\+b\\"c\\\\d\\<e\\>f\\;g\\=h'],
    ['#1 fan', '\\#1 fan'],
    ['mid#dle', 'mid#dle'],
    [' padded ', '\\ padded\\ '],
    ['nul\0byte', 'nul\\00byte'],
  ])('%j → %j', (input, expected) => {
    expect(escapeDnValue(input)).toBe(expected);
  });

  it('builds a person DN that keeps the base intact', () => {
    expect(personDn('x,ou=admins', 'dc=club,dc=example')).toBe('uid=x\\,ou\\=admins,ou=people,dc=club,dc=example');
  });
});

describe('escapeFilterValue (RFC 4515)', () => {
  it('escapes the characters that would change a filter', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\0')).toBe('a\\5cb\\00');
  });
});
