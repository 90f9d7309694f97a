import type { FieldChange } from './entities/revision.entity.js';

export interface ChangeRule {
  key: string;
  requiresApproval: boolean;
  memberEditable: boolean;
}

export interface SplitChanges {
  immediate: FieldChange[];
  pending: FieldChange[];
  forbidden: string[];
}

// Pure: compare a patch with the current values; nothing for fields that would not change.
export function diffFields(current: Record<string, unknown>, patch: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const old = current[field] ?? null;
    if (!sameValue(old, value)) changes.push({ field, old, new: value });
  }
  return changes;
}

// Pure: who may change what. The board changes anything at once; a member changes only fields
// marked member-editable, and those that need approval wait for the board.
export function splitChanges(changes: FieldChange[], bySelf: boolean, rules: readonly ChangeRule[]): SplitChanges {
  const result: SplitChanges = { immediate: [], pending: [], forbidden: [] };
  if (!bySelf) {
    result.immediate = changes;
    return result;
  }
  const byKey = new Map(rules.map((r) => [r.key, r]));
  for (const change of changes) {
    const rule = byKey.get(profileKey(change.field));
    if (!rule?.memberEditable) result.forbidden.push(change.field);
    else if (rule.requiresApproval) result.pending.push(change);
    else result.immediate.push(change);
  }
  return result;
}

// Pure: the custom field values as an object. Members taken in before this was fixed hold the
// JSON string "{}" (the entity default was written as a string), which reads as no values.
export function profileValues(value: unknown): Record<string, string> {
  if (typeof value === 'string') {
    try {
      return profileValues(JSON.parse(value));
    } catch {
      return {};
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? { ...(value as Record<string, string>) }
    : {};
}

// Custom profile fields travel as `profile.<key>` in revisions.
export function profileKey(field: string): string {
  return field.startsWith('profile.') ? field.slice('profile.'.length) : field;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

// Pure: a changed first or last name carries the display name along, unless the patch sets one
// or the display name had been chosen apart from the name (then it stays as chosen).
export function followingDisplayName(
  current: { firstName: string; lastName: string; displayName: string },
  patch: { firstName?: string; lastName?: string; displayName?: string },
): { displayName?: string } {
  if (patch.displayName !== undefined) return {};
  if (patch.firstName === undefined && patch.lastName === undefined) return {};
  if (current.displayName !== `${current.firstName} ${current.lastName}`) return {};
  return { displayName: `${patch.firstName ?? current.firstName} ${patch.lastName ?? current.lastName}` };
}
