import type { AppError } from '../core/app.errors.js';

// Pure: a refused call's field problems keyed by the form field they belong to (several joined by
// "; "); `key` maps the service's field name to the form's. Every page shows them with field-error.eta.
export function errorsByField(err: AppError, key: (field: string) => string = (f) => f): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of err.details?.fields ?? []) {
    const name = key(f.field);
    out[name] = out[name] ? `${out[name]}; ${f.message}` : f.message;
  }
  return out;
}
