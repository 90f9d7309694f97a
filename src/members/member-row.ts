import type { MemberRow } from './member-query.js';
import type { MemberView } from './member-view.js';

// Pure: a row of member-query's SQL → the view the API returns.
export function toMemberView(r: MemberRow): MemberView {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    firstName: r.first_name,
    lastName: r.last_name,
    memberNumber: r.member_number,
    privateEmail: r.private_email,
    language: r.language,
    state: r.state,
    status: r.status,
    statusSince: r.status_since,
    groups: Array.isArray(r.groups) ? r.groups : parsePgArray(r.groups),
    profile: typeof r.profile === 'string' ? (JSON.parse(r.profile) as Record<string, string>) : (r.profile ?? {}),
    hasPassword: r.has_password,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    version: r.version,
    mailChoices: {
      namedAddress: r.wants_named_address,
      pseudonymousAddress: r.wants_pseudonymous_address,
      forwardToPrivate: r.forward_to_private,
    },
    registeredAt: isoOrNull(r.registered_at),
    activatedAt: isoOrNull(r.activated_at),
    exitOn: r.exit_on,
    erasedAt: isoOrNull(r.erased_at),
  };
}

function isoOrNull(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}

function parsePgArray(s: string): string[] {
  const inner = s.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((x) => x.replace(/^"|"$/g, ''));
}
