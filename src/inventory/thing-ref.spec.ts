import { describe, expect, it } from 'vitest';
import { freeSlug, parseThingRef, slugify, slugProblem } from './thing-ref.js';

describe('parseThingRef', () => {
  it.each([
    ['2342', { id: 2342 }],
    ['einding', { slug: 'einding' }],
    ['Einding', { slug: 'einding' }],
    ['prusa-mk3', { slug: 'prusa-mk3' }],
    ['0', undefined],
    ['99999999999', undefined],
    ['-x', undefined],
    ['a b', undefined],
    ['', undefined],
  ])('%s → %o', (value, expected) => {
    expect(parseThingRef(value)).toEqual(expected);
  });
});

describe('slugProblem', () => {
  it('refuses a number, which would shadow an id', () => {
    expect(slugProblem('2342')?.message).toMatch(/number/);
  });
  it.each(['Einding', '-x', 'x-', 'a_b', 'ä', 'a'.repeat(65)])('refuses %s', (slug) => {
    expect(slugProblem(slug)).toBeDefined();
  });
  it.each(['einding', '3d-drucker', 'a', 'mk3'])('accepts %s', (slug) => {
    expect(slugProblem(slug)).toBeUndefined();
  });
});

describe('slugify', () => {
  it.each([
    ['Lötstation Weller WX 2', 'loetstation-weller-wx-2'],
    ['  Größe   Säge!! ', 'groesse-saege'],
    ['Café crème', 'cafe-creme'],
    ['2342', 'ding-2342'],
    ['???', 'ding'],
  ])('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(slugProblem(slugify(name))).toBeUndefined();
  });
});

describe('freeSlug', () => {
  it('counts up past taken slugs', () => {
    expect(freeSlug('saege', new Set())).toBe('saege');
    expect(freeSlug('saege', new Set(['saege', 'saege-2']))).toBe('saege-3');
  });
});
