// Pure: how a status change on a given day rewrites a member's periods.
export interface PeriodLike {
  id?: number;
  status: string;
  begin: string; // YYYY-MM-DD, first day
  end: string | null; // YYYY-MM-DD, last day; null = open
}

export type PeriodChange =
  | { kind: 'unchanged' }
  | { kind: 'open'; open: PeriodLike }
  | { kind: 'replace'; closeId?: number; closeEnd?: string; replaceId?: number; open: PeriodLike }
  // `current` is the first day of the current period, which a new one cannot precede.
  | { kind: 'error'; message: string; current: string };

export function changeStatus(periods: readonly PeriodLike[], status: string, begin: string): PeriodChange {
  const current = periods.find((p) => p.end === null);
  if (!current) return { kind: 'open', open: { status, begin, end: null } };
  if (current.status === status) return { kind: 'unchanged' };
  if (begin < current.begin) {
    const message = `the new status cannot begin before the current one (${current.begin})`;
    return { kind: 'error', message, current: current.begin };
  }
  // Same day: a correction of the current period, not a new one.
  if (begin === current.begin) return { kind: 'replace', replaceId: current.id, open: { status, begin, end: null } };
  return { kind: 'replace', closeId: current.id, closeEnd: dayBefore(begin), open: { status, begin, end: null } };
}

export function dayBefore(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
