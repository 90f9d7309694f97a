import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  LEASE_SECONDS,
  relayPauseMs,
  retryDelaySeconds,
  secondsUntilGivenUp,
  SEND_DEADLINE_MS,
} from './outbox-retry.js';

describe('retryDelaySeconds', () => {
  it.each([
    [1, 30], // 30 s after the first failure
    [2, 60], // then 1 min
    [3, 120], // 2 min
    [4, 240], // 4 min
    [7, 1920], // 32 min
    [8, 3600], // 64 min would be more than the cap: 1 h
    [20, 3600],
    [1000, 3600], // no overflow for absurd counts
  ])('after %i failed attempts waits %i s', (attempts, seconds) => {
    expect(retryDelaySeconds(attempts)).toBe(seconds);
  });

  it('treats 0 or less like the first failure', () => {
    expect(retryDelaySeconds(0)).toBe(30);
    expect(retryDelaySeconds(-3)).toBe(30);
  });

  it('never shrinks from one attempt to the next', () => {
    for (let n = 1; n < 50; n++) expect(retryDelaySeconds(n + 1)).toBeGreaterThanOrEqual(retryDelaySeconds(n));
  });
});

describe('afterFailure', () => {
  it('schedules a retry below the maximum and gives up at it', () => {
    expect(afterFailure(1, 20)).toEqual({ state: 'failed', retryInSeconds: 30 });
    expect(afterFailure(19, 20)).toEqual({ state: 'failed', retryInSeconds: 3600 });
    expect(afterFailure(20, 20)).toEqual({ state: 'given_up' });
    // A lease that ran out can push a mail one past the maximum: still given up, not retried.
    expect(afterFailure(21, 20)).toEqual({ state: 'given_up' });
  });

  it('gives up at once on a permanent failure', () => {
    expect(afterFailure(1, 20, true)).toEqual({ state: 'given_up' });
  });
});

describe('secondsUntilGivenUp', () => {
  it('is about 13 hours with the default of 20 attempts', () => {
    // 30 + 60 + 120 + 240 + 480 + 960 + 1920 = 3810 s, then 12 waits of 3600 s.
    expect(secondsUntilGivenUp(20)).toBe(3810 + 12 * 3600);
    expect(secondsUntilGivenUp(1)).toBe(0);
  });
});

describe('the lease', () => {
  it('outlasts a send with a margin, so two sends of one row never overlap', () => {
    expect(LEASE_SECONDS * 1000).toBeGreaterThan(2 * SEND_DEADLINE_MS);
  });
});

describe('relayPauseMs', () => {
  it('doubles from 1 s up to 30 s while the relay keeps failing', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map(relayPauseMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(relayPauseMs(0)).toBe(1000);
  });
});
