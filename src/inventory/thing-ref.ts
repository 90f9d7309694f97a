// A thing is found by its numeric id or by its slug; a slug may therefore never be a number.

import type { Problem } from '../core/app.errors.js';

export type ThingRef = { id: number } | { slug: string };

const MAX_ID = 2 ** 31 - 1;
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

// "2342" → id 2342, "einding" → slug; anything else is not a thing's address.
export function parseThingRef(value: string): ThingRef | undefined {
  if (/^[0-9]+$/.test(value)) {
    const id = value.length <= 10 ? Number(value) : 0;
    return id >= 1 && id <= MAX_ID ? { id } : undefined;
  }
  const slug = value.toLowerCase();
  return SLUG_PATTERN.test(slug) ? { slug } : undefined;
}

// Why a slug is refused, or undefined when it is fine.
export function slugProblem(slug: string): Problem | undefined {
  if (!SLUG_PATTERN.test(slug)) {
    return {
      message: 'lower-case letters, digits and "-" (not at the start or end), at most 64 characters',
      key: 'thing.slugChars',
    };
  }
  // /things/2342 must always mean the thing with id 2342.
  if (/^[0-9]+$/.test(slug))
    return { message: "must not be a number: it would shadow a thing's id", key: 'thing.slugNumber' };
  return undefined;
}

const TRANSLITERATE: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', æ: 'ae', ø: 'oe', å: 'aa' };

// "Lötstation Weller WX 2" → "loetstation-weller-wx-2"; a purely numeric name gets a prefix.
export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[äöüßæøå]/g, (c) => TRANSLITERATE[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '');
  if (base === '') return 'ding';
  return /^[0-9]+$/.test(base) ? `ding-${base}` : base;
}

// The first of base, base-2, base-3 … that is not taken.
export function freeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
