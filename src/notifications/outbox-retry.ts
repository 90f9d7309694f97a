// Retry rules of the outbox, pure so they can be tested without a clock or a database.

export const FIRST_RETRY_SECONDS = 30;
export const MAX_RETRY_SECONDS = 3600;

// A mail marked `sending` by an instance that then died is sent again after this long. It must
// exceed the longest a send may take (SEND_DEADLINE_MS), or two sends of one row could overlap.
export const LEASE_SECONDS = 300;
export const SEND_DEADLINE_MS = 60_000;

// Seconds to wait after the n-th failed attempt: 30 s, 1 min, 2 min, 4 min … at most 1 h.
export function retryDelaySeconds(failedAttempts: number): number {
  const n = Math.max(1, Math.floor(failedAttempts));
  return Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** Math.min(n - 1, 20));
}

export type AfterFailure = { state: 'failed'; retryInSeconds: number } | { state: 'given_up' };

// What becomes of a mail whose attempt number `attempts` failed.
export function afterFailure(attempts: number, maxAttempts: number, permanent = false): AfterFailure {
  if (permanent || attempts >= maxAttempts) return { state: 'given_up' };
  return { state: 'failed', retryInSeconds: retryDelaySeconds(attempts) };
}

// The time from the first attempt until the mail is given up, for the README and the log.
export function secondsUntilGivenUp(maxAttempts: number): number {
  let total = 0;
  for (let n = 1; n < maxAttempts; n++) total += retryDelaySeconds(n);
  return total;
}

// While the relay itself fails (unreachable, 421), the worker stops for 1 s, 2 s, 4 s … at most
// 30 s and then tries one mail, instead of spending an attempt of every mail in the queue.
export const MAX_RELAY_PAUSE_MS = 30_000;

export function relayPauseMs(consecutiveFailures: number): number {
  const n = Math.max(1, Math.floor(consecutiveFailures));
  return Math.min(MAX_RELAY_PAUSE_MS, 1000 * 2 ** Math.min(n - 1, 20));
}
