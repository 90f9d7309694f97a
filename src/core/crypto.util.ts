import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';

// OWASP's Argon2id parameters (m=19 MiB, t=2, p=1). @node-rs/argon2 writes them in the standard
// m,t,p order, which Dovecot, PHP (MediaWiki) and slapd read; npm `argon2` ≥ 0.45 does not.
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
export const ARGON2_PARAMS: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

// Runs on the libuv thread pool, off the event loop.
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false; // a malformed stored hash never logs anyone in
  }
}

// Compared against when the account does not exist, so both answers cost the same time.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

// Random tokens for sessions, API tokens and links: 256 bits, URL-safe. Only the SHA-256 is stored.
export function newToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
