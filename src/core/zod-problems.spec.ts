import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { customIssue, problemsOfIssues, schemaMessage } from './zod-problems.js';

const issues = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('parsed');
  return r.error.issues;
};

describe('problemsOfIssues', () => {
  it("keeps zod's own issues (their facts, not the input) and names our schemas' messages by key", () => {
    const schema = z.strictObject({
      name: z.string().trim().min(1, schemaMessage.empty).max(5, schemaMessage.maxChars(5)),
      count: z.number().int().max(3),
      kind: z.enum(['a', 'b']),
      when: z.iso.date(schemaMessage.date),
    });
    const problems = problemsOfIssues(issues(schema, { name: 'zu lang', count: 4, kind: 'c', when: 'x', extra: 1 }));
    expect(problems).toEqual([
      { field: 'name', message: 'at most 5 characters', key: 'field.maxChars', params: { max: 5 } },
      {
        field: 'count',
        message: 'Too big: expected number to be <=3',
        issue: { code: 'too_big', origin: 'number', maximum: 3, inclusive: true },
      },
      {
        field: 'kind',
        message: 'Invalid option: expected one of "a"|"b"',
        issue: { code: 'invalid_value', values: ['a', 'b'] },
      },
      { field: 'when', message: 'must be a date as YYYY-MM-DD', key: 'field.date' },
      { field: 'extra', message: 'unknown field', key: 'field.unknown' },
    ]);
  });

  it('reads the type an invalid_type issue received from its text, and roots problems of the whole value', () => {
    const [missing] = problemsOfIssues(issues(z.object({ title: z.string() }), {}));
    expect(missing).toMatchObject({
      field: 'title',
      issue: { code: 'invalid_type', expected: 'string', received: 'undefined' },
    });
    const [whole] = problemsOfIssues(issues(z.string(), 7), '(form)');
    expect(whole?.field).toBe('(form)');
  });

  it('takes the key a custom issue names, and leaves other messages of ours without one', () => {
    const slug = z.string().superRefine((v, ctx) => {
      if (v === '1') ctx.addIssue(customIssue({ message: 'no numbers', key: 'thing.slugNumber' }));
    });
    expect(problemsOfIssues(issues(slug, '1'))).toEqual([
      { field: '(body)', message: 'no numbers', key: 'thing.slugNumber' },
    ]);
    const mine = z.string().regex(/^a/, 'starts with a');
    expect(problemsOfIssues(issues(mine, 'b'))).toEqual([{ field: '(body)', message: 'starts with a' }]);
  });
});
