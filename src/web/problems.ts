import { z } from 'zod';
import type { Problem } from '../core/app.errors.js';
import type { IssueFacts } from '../core/zod-problems.js';
import type { Language } from '../notifications/templates/templates.js';
import { fill } from './i18n.js';
import { problemMessages } from './messages/problems.js';

const german = z.locales.de().localeError;

// A value of each type zod names (util.parsedType) for its German words on an invalid_type issue:
// the finished issue keeps the type's name, not the input.
const SAMPLES: Record<string, () => unknown> = {
  undefined: () => undefined,
  null: () => null,
  string: () => '',
  number: () => 0,
  nan: () => Number.NaN,
  boolean: () => false,
  bigint: () => 0n,
  array: () => [],
  object: () => ({}),
};

// Pure: a zod issue in zod's German words (its de locale), or undefined.
export function zodGerman(facts: IssueFacts): string | undefined {
  let input: unknown;
  if (facts.code === 'invalid_type') {
    const sample = SAMPLES[facts.received ?? ''];
    if (!sample) return undefined;
    input = sample();
  }
  const words = german({ ...facts, input } as unknown as z.core.$ZodRawIssue);
  return typeof words === 'string' ? words : words?.message;
}

// Pure: a problem or refusal as the page says it: by its key from the catalog, a zod issue in
// zod's words, else the service's English message.
export function problemText(lang: Language, p: Problem & { issue?: IssueFacts }): string {
  if (p.key) return fill(problemMessages[lang][p.key], p.params);
  if (lang === 'de' && p.issue) return zodGerman(p.issue) ?? p.message;
  return p.message;
}
