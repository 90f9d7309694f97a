import { AppError, type FieldProblem } from '../core/app.errors.js';

// Unique constraints of the member tables → the field a 409 names.
const CONSTRAINT_FIELDS: Record<string, string> = {
  member_member_number_unique: 'memberNumber',
  member_private_email_unique: 'privateEmail',
  member_group_slug_unique: 'slug',
  membership_status_pkey: 'code',
  profile_field_pkey: 'key',
};

export function duplicateError(field: string, value: unknown): AppError {
  return AppError.of(
    'CONFLICT',
    {
      message: `${field} "${String(value)}" is already used by another record`,
      key: 'record.taken',
      params: { field, value: String(value) },
    },
    [{ field, message: 'already used by another record', key: 'field.taken' }],
  );
}

// Maps a unique violation raised by PostgreSQL (a race past the pre-check) to a 409.
export function fromUniqueViolation(err: unknown, values: Record<string, unknown>): AppError | undefined {
  const constraint = (err as { constraint?: string }).constraint ?? /"([a-z_]+)"/.exec(String(err))?.[1];
  const field = constraint ? CONSTRAINT_FIELDS[constraint] : undefined;
  if (!field) return undefined;
  return duplicateError(field, values[field]);
}

// A member id given in `field` that names nobody (or an erased member).
export function noMember(field: string, id: number): FieldProblem {
  return { field, message: `there is no member ${id}`, key: 'member.none', params: { id } };
}
