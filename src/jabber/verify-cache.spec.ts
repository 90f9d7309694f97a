import { describe, expect, it } from 'vitest';
import { cachedVerify, VerifyCache } from './verify-cache.js';

const PHC = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';
const NEW_PHC = '$argon2id$v=19$m=19456,t=2,p=1$bmV1$bmV1ZXJoYXNo';

// A verify that counts its runs: password "richtig" matches every PHC.
function counting() {
  const runs = { n: 0 };
  const verify = (_phc: string, password: string) => {
    runs.n++;
    return Promise.resolve(password === 'richtig');
  };
  return { runs, verify };
}

describe('cachedVerify', () => {
  it('runs Argon2 once for repeated successful logins', async () => {
    const { runs, verify } = counting();
    const check = cachedVerify(new VerifyCache(), verify);
    expect(await check(PHC, 'richtig', 7)).toBe(true);
    expect(await check(PHC, 'richtig', 7)).toBe(true);
    expect(runs.n).toBe(1);
  });

  it('never caches a failure, so every wrong password costs Argon2', async () => {
    const { runs, verify } = counting();
    const check = cachedVerify(new VerifyCache(), verify);
    expect(await check(PHC, 'falsch', 7)).toBe(false);
    expect(await check(PHC, 'falsch', 7)).toBe(false);
    expect(runs.n).toBe(2);
  });

  it('misses after a password change (a new PHC) and for another member', async () => {
    const { runs, verify } = counting();
    const check = cachedVerify(new VerifyCache(), verify);
    await check(PHC, 'richtig', 7);
    await check(NEW_PHC, 'richtig', 7);
    await check(PHC, 'richtig', 8);
    expect(runs.n).toBe(3);
  });

  it('does not cache the dummy hash of a member who does not exist', async () => {
    const { runs, verify } = counting();
    const check = cachedVerify(new VerifyCache(), verify);
    await check(PHC, 'richtig', null);
    await check(PHC, 'richtig', null);
    expect(runs.n).toBe(2);
  });
});

describe('VerifyCache', () => {
  it('forgets an entry after its time', () => {
    let now = 0;
    const cache = new VerifyCache(1000, 10, () => now);
    cache.remember(1, PHC, 'richtig');
    now = 999;
    expect(cache.has(1, PHC, 'richtig')).toBe(true);
    now = 1000;
    expect(cache.has(1, PHC, 'richtig')).toBe(false);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = new VerifyCache(60_000, 2);
    cache.remember(1, PHC, 'a');
    cache.remember(2, PHC, 'b');
    cache.remember(3, PHC, 'c');
    expect(cache.size).toBe(2);
    expect(cache.has(1, PHC, 'a')).toBe(false);
    expect(cache.has(3, PHC, 'c')).toBe(true);
  });
});
