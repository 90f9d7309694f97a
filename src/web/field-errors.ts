import type { AppError, FieldProblem } from '../core/app.errors.js';
import type { Language } from '../notifications/templates/templates.js';
import { problemText } from './problems.js';

// A form's problems by field name ('(form)' for the form as a whole), in the page's language.
export type FieldErrors = Record<string, string>;

// Pure: field problems keyed by the form field they belong to (several joined by "; "), each in
// the page's language; `key` maps the service's field name to the form's. The one way every page
// turns problems into what field-error.eta shows.
export function errorsOf(
  problems: readonly FieldProblem[],
  lang: Language,
  key: (field: string) => string = (f) => f,
): FieldErrors {
  const out: FieldErrors = {};
  for (const p of problems) {
    const name = key(p.field);
    const text = problemText(lang, p);
    out[name] = out[name] ? `${out[name]}; ${text}` : text;
  }
  return out;
}

// Pure: a refused call's field problems (see errorsOf).
export function errorsByField(err: AppError, lang: Language, key?: (field: string) => string): FieldErrors {
  return errorsOf(err.details?.fields ?? [], lang, key);
}

// Pure: a refusal's own message (not a field's) in the page's language.
export function refusalText(err: AppError, lang: Language): string {
  return problemText(lang, { message: err.message, key: err.details?.key, params: err.details?.params });
}
