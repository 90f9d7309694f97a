import { describe, expect, it } from 'vitest';
import { healthOf, RETRY_MAX_MS, retryDelayMs } from './sync-backoff.js';

describe('retryDelayMs', () => {
  it.each([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [7, 300_000], // 320 s, capped at 5 minutes
    [50, 300_000],
  ])('after %i failures waits %i ms (without jitter)', (n, ms) => {
    expect(retryDelayMs(n, () => 0)).toBe(ms);
  });

  it('adds at most 20 % jitter', () => {
    expect(retryDelayMs(50, () => 0.999)).toBeLessThanOrEqual(RETRY_MAX_MS * 1.2);
  });
});

describe('healthOf', () => {
  const at = new Date();
  it.each([
    [{ lastRunAt: null, failingSince: null }, null, 'unknown'],
    [{ lastRunAt: at, failingSince: at }, 'failed', 'failing'],
    [{ lastRunAt: at, failingSince: null }, 'partial', 'degraded'],
    [{ lastRunAt: at, failingSince: null }, 'ok', 'ok'],
  ] as const)('%o with last run %s is %s', (state, last, health) => {
    expect(healthOf(state, last)).toBe(health);
  });
});
