import type { MemberState } from './entities/member.entity.js';

// Allowed state changes. Registration (invited → registered) belongs to the member's own flow;
// the board activates, suspends, reactivates and records an exit. Left is final.
const TRANSITIONS: Record<MemberState, readonly MemberState[]> = {
  invited: ['registered', 'active', 'left'],
  registered: ['active', 'left'],
  active: ['suspended', 'left'],
  suspended: ['active', 'left'],
  left: [],
};

export function canTransition(from: MemberState, to: MemberState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: MemberState): readonly MemberState[] {
  return TRANSITIONS[from];
}
