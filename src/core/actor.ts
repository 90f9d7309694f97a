// Who is acting: a logged-in member, an API token (acting for its owner within its scopes),
// or the system itself (CLI, migrations, jobs).
export const ROLES = ['member', 'helper', 'board', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = [
  'members:read',
  'members:write',
  'members:import',
  'members:export',
  'mail:read',
  'mail:write',
  'inventory:read',
  'inventory:write',
  'calendar:read',
  'calendar:write',
  'sync:read',
  'sync:write',
  // Ask whether a Jabber login's password is right (the ejabberd extauth program's token).
  'jabber:auth',
  // Open or close the space (PUT /api/space/state), e.g. a switch at the door.
  'space:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface Actor {
  kind: 'member' | 'token' | 'system';
  memberId: number | null;
  label: string;
  role: Role;
  scopes: readonly Scope[] | 'all';
  clientAddress: string | null;
  sessionId?: string;
  // The API token acting, for limits that count per token.
  tokenId?: string;
  // For a logged-in member: what the pages show of them, read with the session (no second query).
  member?: { displayName: string; language: 'de' | 'en' | null };
}

const RANK: Record<Role, number> = { member: 0, helper: 1, board: 2, admin: 3 };

// Roles are ranked: a board member may do what a helper may, the admin what the board may.
export function hasRole(actor: Pick<Actor, 'role'>, needed: Role): boolean {
  return RANK[actor.role] >= RANK[needed];
}

export function hasScope(actor: Pick<Actor, 'scopes'>, needed: Scope): boolean {
  return actor.scopes === 'all' || actor.scopes.includes(needed) || actor.scopes.includes('admin');
}

export function roleOfRank(rank: number): Role {
  return ROLES[Math.max(0, Math.min(3, rank))] ?? 'member';
}

export function systemActor(label = 'system'): Actor {
  return { kind: 'system', memberId: null, label, role: 'admin', scopes: 'all', clientAddress: null };
}

// The member acting through a mailed link (registration, reset, e-mail change), not logged in.
export function selfActor(member: { id: number; username: string }): Actor {
  return {
    kind: 'member',
    memberId: member.id,
    label: member.username,
    role: 'member',
    scopes: [],
    clientAddress: null,
  };
}
