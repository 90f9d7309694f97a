import { describe, expect, it } from 'vitest';
import { hashPassword, newToken, tokenHash, verifyPassword } from './crypto.util.js';

describe('hashPassword', () => {
  it('writes an Argon2id PHC string with parameters in the standard m,t,p order', async () => {
    const phc = await hashPassword('correct horse battery staple');
    // Dovecot, PHP and slapd reject m,p,t (the npm `argon2` bug); this guards the order.
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(phc).toMatch(/\$m=\d+,t=\d+,p=\d+\$/);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const phc = await hashPassword('Karl-Liebknecht-1871');
    expect(await verifyPassword(phc, 'Karl-Liebknecht-1871')).toBe(true);
    expect(await verifyPassword(phc, 'karl-liebknecht-1871')).toBe(false);
  });

  it('treats a malformed stored hash as a wrong password', async () => {
    expect(await verifyPassword('not-a-phc-string', 'anything')).toBe(false);
  });
});

describe('tokens', () => {
  it('are random, URL-safe, and hashed to 64 hex characters', () => {
    const a = newToken('am_');
    const b = newToken('am_');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^am_[A-Za-z0-9_-]{43}$/);
    expect(tokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(a)).toBe(tokenHash(a));
  });
});
