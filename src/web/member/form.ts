import type { z } from 'zod';
import { AppError } from '../../core/app.errors.js';
import { errorsByField } from '../field-errors.js';

// A posted form as Fastify parses it: a repeated field (check boxes) comes as an array.
export type FormBody = Record<string, string | string[] | undefined>;

export type FieldErrors = Record<string, string>;

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

// Pure: the field errors of a failed service call, keyed by field (several joined by "; ").
export function fieldErrorsOf(err: AppError, rename: Record<string, string> = {}): FieldErrors {
  return errorsByField(err, (field) => rename[field] ?? field);
}

// Pure: the field errors of a zod parse, keyed by the path ("profile.phone").
export function zodErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const name = issue.path.join('.') || '(form)';
    out[name] = out[name] ? `${out[name]}; ${issue.message}` : issue.message;
  }
  return out;
}

// A service error that belongs next to fields (or to the form as a whole), or undefined.
export function formErrors(err: unknown, rename: Record<string, string> = {}): FieldErrors | undefined {
  if (!(err instanceof AppError)) return undefined;
  const fields = fieldErrorsOf(err, rename);
  if (Object.keys(fields).length > 0 && ['VALIDATION_FAILED', 'FORBIDDEN', 'CONFLICT'].includes(err.code))
    return fields;
  if (['INVALID_STATE', 'CONFLICT', 'VALIDATION_FAILED'].includes(err.code)) return { '(form)': err.message };
  return undefined;
}
