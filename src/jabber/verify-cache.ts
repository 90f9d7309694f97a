import { createHmac, randomBytes } from 'node:crypto';

// Remembers Argon2 verifications that succeeded, so a Jabber client that reconnects often does not
// cost a full Argon2 run each time. Exact, not a guess: the key is an HMAC (with a key that lives
// only in this process) of the member id, the stored PHC string and the password, and Argon2's
// answer for a given PHC and password never changes. A password change writes a new PHC (new
// salt), so the old entry can never match again; a state change (suspension, exit) is checked
// from the database on every request, before the cache is asked. Only successes are kept,
// for at most ttlMs, at most maxEntries (the oldest go first).
export class VerifyCache {
  private readonly secret = randomBytes(32);
  private readonly entries = new Map<string, number>(); // key → expires at (ms)

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  private key(memberId: number, phc: string, password: string): string {
    return createHmac('sha256', this.secret)
      .update(`${memberId}\0${phc}\0`)
      .update(password, 'utf8')
      .digest('base64url');
  }

  has(memberId: number, phc: string, password: string): boolean {
    const key = this.key(memberId, phc, password);
    const expires = this.entries.get(key);
    if (expires === undefined) return false;
    if (expires <= this.now()) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }

  remember(memberId: number, phc: string, password: string): void {
    const key = this.key(memberId, phc, password);
    this.entries.delete(key);
    this.entries.set(key, this.now() + this.ttlMs);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

// verify() with the cache in front; failures and the dummy hash (memberId null) always run Argon2.
export function cachedVerify(
  cache: VerifyCache,
  verify: (phc: string, password: string) => Promise<boolean>,
): (phc: string, password: string, memberId: number | null) => Promise<boolean> {
  return async (phc, password, memberId) => {
    if (memberId !== null && cache.has(memberId, phc, password)) return true;
    const ok = await verify(phc, password);
    if (ok && memberId !== null) cache.remember(memberId, phc, password);
    return ok;
  };
}
