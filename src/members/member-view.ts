import type { Role } from '../core/actor.js';
import type { MemberState } from './entities/member.entity.js';
import type { Visibility } from './entities/profile-field.entity.js';

// The full record as the board sees it; others get the fields their visibility allows.
export interface MemberView {
  id: number;
  username: string;
  displayName: string;
  firstName?: string;
  lastName?: string;
  memberNumber?: string | null;
  privateEmail?: string | null;
  language?: 'de' | 'en' | null;
  state?: MemberState;
  status?: string | null;
  statusSince?: string | null;
  groups?: string[];
  profile?: Record<string, string>;
  hasPassword?: boolean;
  createdAt?: string;
  updatedAt?: string;
  version?: number;
  mailChoices?: { namedAddress: boolean; pseudonymousAddress: boolean; forwardToPrivate: boolean };
  registeredAt?: string | null;
  activatedAt?: string | null;
  // A recorded exit (the day access ends and the data is erased); erasedAt once it is done.
  exitOn?: string | null;
  erasedAt?: string | null;
}

// One membership period as pages show it: the status (code and label), first and last day.
export interface PeriodView {
  status: string;
  label: string;
  begin: string; // YYYY-MM-DD
  end: string | null; // YYYY-MM-DD; null = open
}

export interface FieldRule {
  key: string;
  visibility: Visibility;
}

export type Viewer = { role: Role; memberId: number | null };

// Fields that every viewer gets, so a list is usable at all.
const ALWAYS: readonly string[] = ['id', 'username', 'displayName'];

// Pure: strip what the viewer may not see. Board and above, and the member themself, see all.
export function visibleTo(view: MemberView, viewer: Viewer, rules: readonly FieldRule[]): MemberView {
  if (viewer.role === 'board' || viewer.role === 'admin' || viewer.memberId === view.id) return view;
  const allowed = new Set<string>(ALWAYS);
  const customAllowed = new Set<string>();
  for (const rule of rules) {
    if (rule.visibility === 'board') continue;
    allowed.add(rule.key);
    customAllowed.add(rule.key);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(view)) {
    if (key === 'profile') continue;
    if (allowed.has(key)) out[key] = value;
  }
  if (view.profile) {
    const profile = Object.fromEntries(Object.entries(view.profile).filter(([k]) => customAllowed.has(k)));
    if (Object.keys(profile).length > 0) out.profile = profile;
  }
  return out as unknown as MemberView;
}
