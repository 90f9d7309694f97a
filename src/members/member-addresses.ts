// Pure: a member's club addresses from their choices. The mail module makes mailboxes of them,
// the list targets subscribe the preferred one.
export interface AddressChoices {
  username: string;
  memberNumber?: string | null;
  privateEmail?: string | null;
  wantsNamedAddress: boolean;
  wantsPseudonymousAddress: boolean;
}

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
