// Pure: what a club address may look like. Lower-case ASCII only: the generated Postfix setup
// does not announce SMTPUTF8, so a Unicode local part is refused everywhere alike, never half-stored.
const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._+-]{0,62}[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export type AddressCheck =
  { ok: true; address: string; local: string; domain: string } | { ok: false; problem: string };

export function normaliseAddress(input: string): AddressCheck {
  const address = input.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return { ok: false, problem: 'must be an address like name@example.org' };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(address)) {
    return { ok: false, problem: 'must be ASCII: Unicode addresses (SMTPUTF8) are not supported' };
  }
  if (!LOCAL_PART.test(local) || local.includes('..')) {
    return {
      ok: false,
      problem: 'the part before @ may hold a–z, 0–9 and . _ + - (not at its start or end, no "..")',
    };
  }
  if (!DOMAIN.test(domain)) return { ok: false, problem: `"${domain}" is not a domain name` };
  return { ok: true, address, local, domain };
}

export function isDomainName(name: string): boolean {
  return DOMAIN.test(name);
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

// Pure: would adding source → destination close a loop over the existing edges (a → b → … → a)?
// Returns the loop's path when it would.
export function aliasLoop(
  edges: ReadonlyMap<string, readonly string[]>,
  source: string,
  destination: string,
): string[] | null {
  const seen = new Set<string>();
  const walk = (at: string, path: string[]): string[] | null => {
    if (at === source) return path;
    if (seen.has(at)) return null;
    seen.add(at);
    for (const next of edges.get(at) ?? []) {
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return null;
  };
  // a → a keeps a copy in a's mailbox: not a loop (Postfix delivers it once).
  if (source === destination) return null;
  return walk(destination, [source, destination]);
}
