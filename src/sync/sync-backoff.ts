// Pure: when to try a failing target again. 5 s, 10 s, 20 s … capped at 5 minutes, with up to
// 20 % jitter so several instances do not hit a recovering target in the same second.
export const RETRY_BASE_MS = 5_000;
export const RETRY_MAX_MS = 300_000;

export function retryDelayMs(consecutiveFailures: number, random: () => number = Math.random): number {
  const n = Math.max(1, consecutiveFailures);
  const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(n - 1, 20));
  return Math.round(delay * (1 + 0.2 * random()));
}

// Pure: the health the status shows, from the target's recorded state.
export type SyncHealth = 'unknown' | 'ok' | 'degraded' | 'failing';

// failing: the target itself fails (unreachable, refused); degraded: it works, but the last run
// left items undone (see its errors).
export function healthOf(
  state: { lastRunAt: Date | null; failingSince: Date | null },
  lastRun: string | null,
): SyncHealth {
  if (state.lastRunAt === null) return 'unknown';
  if (state.failingSince !== null) return 'failing';
  return lastRun === 'partial' ? 'degraded' : 'ok';
}
