import type { z } from 'zod';
import { AppError } from '../../core/app.errors.js';
import { problemsOfIssues } from '../../core/zod-problems.js';
import type { Language } from '../../notifications/templates/templates.js';
import { errorsByField, errorsOf, refusalText, type FieldErrors } from '../field-errors.js';

// A posted form as Fastify parses it: a repeated field (check boxes) comes as an array.
export type FormBody = Record<string, string | string[] | undefined>;

export type { FieldErrors };

// Pure: one text field, trimmed; a repeated field counts as its first value.
export function text(body: FormBody, name: string): string {
  const v = body[name];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
}

// Pure: the raw value (passwords keep their spaces).
export function raw(body: FormBody, name: string): string {
  const v = body[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

// Pure: every value of a repeated field.
export function all(body: FormBody, name: string): string[] {
  const v = body[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function checked(body: FormBody, name: string): boolean {
  return all(body, name).includes('on');
}

// Pure: the field errors of a failed service call in the page's language, keyed by field.
export function fieldErrorsOf(err: AppError, lang: Language, rename: Record<string, string> = {}): FieldErrors {
  return errorsByField(err, lang, (field) => rename[field] ?? field);
}

// Pure: the field errors of a zod parse in the page's language, keyed by the path ("profile.phone");
// `root` names the field of a problem with the whole value.
export function zodErrors(error: z.ZodError, lang: Language, root = '(form)'): FieldErrors {
  return errorsOf(problemsOfIssues(error.issues, root), lang);
}

// A service error that belongs next to fields (or to the form as a whole) in the page's
// language, or undefined.
export function formErrors(err: unknown, lang: Language, rename: Record<string, string> = {}): FieldErrors | undefined {
  if (!(err instanceof AppError)) return undefined;
  const fields = fieldErrorsOf(err, lang, rename);
  if (Object.keys(fields).length > 0 && ['VALIDATION_FAILED', 'FORBIDDEN', 'CONFLICT'].includes(err.code))
    return fields;
  if (['INVALID_STATE', 'CONFLICT', 'VALIDATION_FAILED'].includes(err.code))
    return { '(form)': refusalText(err, lang) };
  return undefined;
}
