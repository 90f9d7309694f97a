import { describe, expect, it } from 'vitest';
import { aliasLoop, normaliseAddress } from './mail-address.util.js';

describe('normaliseAddress', () => {
  it('lower-cases and trims', () => {
    expect(normaliseAddress('  Info@Example.ORG ')).toEqual({
      ok: true,
      address: 'info@example.org',
      local: 'info',
      domain: 'example.org',
    });
  });

  it.each([
    ['jürgen@example.org', /ASCII/],
    ['info@exämple.org', /ASCII/],
    ['.info@example.org', /before @/],
    ['in..fo@example.org', /before @/],
    ['in fo@example.org', /before @/],
    ['info@', /like name@example.org/],
    ['@example.org', /like name@example.org/],
    ['info@localhost', /not a domain/],
    ['a"b@example.org', /before @/],
  ])('refuses %s', (input, problem) => {
    const r = normaliseAddress(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });
});

describe('aliasLoop', () => {
  const edges = new Map([
    ['a@x.org', ['b@x.org']],
    ['b@x.org', ['c@x.org', 'ext@y.org']],
  ]);
  it('finds a → b → c → a when c → a is added', () => {
    expect(aliasLoop(edges, 'c@x.org', 'a@x.org')).toEqual(['c@x.org', 'a@x.org', 'b@x.org', 'c@x.org']);
  });
  it('finds the short loop b → a → b', () => {
    expect(aliasLoop(edges, 'b@x.org', 'a@x.org')).toEqual(['b@x.org', 'a@x.org', 'b@x.org']);
  });
  it('allows a chain, a fan-out and the self copy a → a', () => {
    expect(aliasLoop(edges, 'c@x.org', 'd@x.org')).toBeNull();
    expect(aliasLoop(edges, 'z@x.org', 'a@x.org')).toBeNull();
    expect(aliasLoop(edges, 'a@x.org', 'a@x.org')).toBeNull();
  });
});
