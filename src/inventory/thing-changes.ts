import type { ThingFieldChange } from './entities/thing-event.entity.js';

// The fields of a thing that its history follows, in a comparable form.
export interface ThingState {
  slug: string;
  name: string;
  description: string | null;
  tags: string[];
  ownership: string;
  ownerMemberId: number | null;
  ownerName: string | null;
  ownerUntil: string | null;
  needsInduction: boolean;
}

// Pure: which fields differ, old → new, in a fixed order.
export function diffThing(before: ThingState, after: ThingState): ThingFieldChange[] {
  const changes: ThingFieldChange[] = [];
  for (const field of Object.keys(before) as (keyof ThingState)[]) {
    const a = before[field];
    const b = after[field];
    const same = Array.isArray(a) && Array.isArray(b) ? a.join('\u0000') === b.join('\u0000') : a === b;
    if (!same) changes.push({ field, old: a, new: b });
  }
  return changes;
}
