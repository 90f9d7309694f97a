// Pure: a member's club addresses from their choices. The mail module makes mailboxes of them,
// the list targets subscribe the preferred one.

import type { FieldProblem } from '../core/app.errors.js';

export interface AddressChoices {
  username: string;
  memberNumber?: string | null;
  privateEmail?: string | null;
  wantsNamedAddress: boolean;
  wantsPseudonymousAddress: boolean;
}

// The choices a member cannot make yet, refused alike by the registration and the address form.
export const PSEUDONYM_NEEDS_NUMBER: FieldProblem = {
  field: 'pseudonymousAddress',
  message: 'needs a member number, which the board has not given yet',
  key: 'mail.pseudonymNeedsNumber',
};
export const NO_PRIVATE_ADDRESS: FieldProblem = {
  field: 'forwardToPrivate',
  message: 'there is no private address to forward to',
  key: 'mail.noPrivateAddress',
};

export interface MemberAddresses {
  named: string | null;
  pseudonymous: string | null;
  // Where the club writes to the member: the named address, else the pseudonymous, else private.
  preferred: string | null;
}

export function pseudonymLocalPart(pattern: string, memberNumber: string): string {
  return pattern.replace('{number}', memberNumber.toLowerCase().replace(/[^a-z0-9._-]/g, '-'));
}

export function memberAddresses(
  m: AddressChoices,
  domain: string | undefined,
  pseudonymPattern: string,
): MemberAddresses {
  const named = domain && m.wantsNamedAddress ? `${m.username}@${domain}` : null;
  const pseudonymous =
    domain && m.wantsPseudonymousAddress && m.memberNumber
      ? `${pseudonymLocalPart(pseudonymPattern, m.memberNumber)}@${domain}`
      : null;
  return { named, pseudonymous, preferred: named ?? pseudonymous ?? m.privateEmail ?? null };
}
