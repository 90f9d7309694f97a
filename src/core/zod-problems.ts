import { z } from 'zod';
import type { FieldProblem, Problem, ProblemParams } from './app.errors.js';
import type { ProblemKey } from './problem-keys.js';

// Our schemas' own messages, in English as the API answers them. A zod issue keeps only its text,
// so the text leads a page back to the problem's key (SCHEMA_KEYS below).
export const schemaMessage = {
  empty: 'must not be empty',
  maxChars: (max: number) => `at most ${max} characters`,
  control: 'must not contain control characters',
  oneLine: 'one line without control characters',
  date: 'must be a date as YYYY-MM-DD',
  localTime: 'must be a local time as YYYY-MM-DDTHH:MM (or a date)',
  email: 'must be an e-mail address',
  spaces: 'must not contain spaces',
  memberNumber: 'letters, digits and "-", at most 32 characters',
  code: 'lower-case letters, digits and "-"',
  profileKey: 'camelCase letters and digits',
  tag: 'letters, digits, ".", "_" and "-", at most 40 characters',
  link: 'not a valid link',
} as const;

const SCHEMA_KEYS: ReadonlyMap<string, ProblemKey> = new Map<string, ProblemKey>([
  [schemaMessage.empty, 'field.empty'],
  [schemaMessage.control, 'field.control'],
  [schemaMessage.oneLine, 'field.oneLine'],
  [schemaMessage.date, 'field.date'],
  [schemaMessage.localTime, 'field.localTime'],
  [schemaMessage.email, 'field.email'],
  [schemaMessage.spaces, 'field.spaces'],
  [schemaMessage.memberNumber, 'field.memberNumber'],
  [schemaMessage.code, 'field.code'],
  [schemaMessage.profileKey, 'field.profileKey'],
  [schemaMessage.tag, 'field.tag'],
  [schemaMessage.link, 'field.link'],
]);

// A custom issue (superRefine, refine) names its problem in `params`: ctx.addIssue(customIssue(p)).
export function customIssue(problem: Problem): { code: 'custom'; message: string; params: Partial<Problem> } {
  return { code: 'custom', message: problem.message, params: { key: problem.key, params: problem.params } };
}

// What zod's locales read from an issue to word it (the input itself is not kept: it may be a
// password). `received` is the type name of the input of an invalid_type issue.
export interface IssueFacts {
  code: string;
  received?: string;
  [fact: string]: unknown;
}

const FACTS = [
  'code',
  'expected',
  'origin',
  'minimum',
  'maximum',
  'inclusive',
  'exact',
  'format',
  'pattern',
  'prefix',
  'suffix',
  'includes',
  'divisor',
  'values',
  'keys',
] as const;

const english = z.locales.en().localeError;

// Pure: the facts of an issue in zod's own words, or undefined for a message of ours.
export function defaultIssueFacts(issue: z.core.$ZodIssue): IssueFacts | undefined {
  const source = issue as unknown as Record<string, unknown>;
  const facts: IssueFacts = { code: issue.code ?? 'custom' };
  for (const k of FACTS) if (k !== 'code' && source[k] !== undefined) facts[k] = source[k];
  if (issue.code === 'invalid_type') {
    // Its text names the input's type, which the finished issue no longer carries.
    const m = /^Invalid input: expected .+, received (\S+)$/.exec(issue.message);
    if (!m) return undefined;
    facts.received = m[1];
    return facts;
  }
  if (issue.code === 'custom') return undefined;
  const words = english({ ...issue, input: undefined });
  const text = typeof words === 'string' ? words : words?.message;
  return text === issue.message ? facts : undefined;
}

// Pure: the key (and values) of one of our schemas' messages, read from the issue.
function schemaProblem(issue: z.core.$ZodIssue): { key: ProblemKey; params?: ProblemParams } | undefined {
  if (issue.code === 'custom') {
    const named = issue.params as Partial<Problem> | undefined;
    if (named?.key) return { key: named.key, params: named.params };
  }
  const fixed = SCHEMA_KEYS.get(issue.message);
  if (fixed) return { key: fixed };
  if (issue.code === 'too_big' && issue.message === schemaMessage.maxChars(Number(issue.maximum))) {
    return { key: 'field.maxChars', params: { max: Number(issue.maximum) } };
  }
  return undefined;
}

// Pure: zod's issues as the field problems of a refused call: the English message for the API,
// with what a page needs to show it in its language (our key, or zod's own issue). `root` names
// a problem of the whole input.
export function problemsOfIssues(issues: readonly z.core.$ZodIssue[], root = '(body)'): FieldProblem[] {
  return issues.map((issue): FieldProblem => {
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys.join(', '), message: 'unknown field', key: 'field.unknown' };
    }
    const field = issue.path.map(String).join('.') || root;
    const known = schemaProblem(issue);
    if (known) return { field, message: issue.message, ...known };
    const facts = defaultIssueFacts(issue);
    return facts ? { field, message: issue.message, issue: facts } : { field, message: issue.message };
  });
}
