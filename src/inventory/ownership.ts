import type { FieldProblem, Problem } from '../core/app.errors.js';
import type { Ownership } from './entities/thing.entity.js';

export interface OwnershipInput {
  ownership: Ownership;
  ownerMemberId: number | null;
  ownerName: string | null;
  ownerUntil: string | null;
}

const CLUB_OWNER: Problem = { message: 'club property has no other owner', key: 'thing.clubOwner' };
const ONLY_LENT: Problem = { message: 'only for things lent to the club', key: 'thing.onlyLent' };
const WHO_LENT: Problem = { message: 'say who lent it: a member or a name', key: 'thing.whoLent' };
const LENT_UNTIL: Problem = { message: 'say until when it is lent', key: 'thing.lentUntil' };
const WHICH_MEMBER: Problem = { message: 'say which member owns it', key: 'thing.whichMember' };

// What each kind of ownership needs: a lender and a date, a member, or nothing.
export function ownershipProblems(o: OwnershipInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const hasOwner = o.ownerMemberId !== null || (o.ownerName !== null && o.ownerName !== '');
  if (o.ownerMemberId !== null && o.ownerName !== null && o.ownerName !== '') {
    problems.push({
      field: 'ownerName',
      message: 'give either the owning member or a name, not both',
      key: 'thing.ownerOrName',
    });
  }
  switch (o.ownership) {
    case 'club':
      if (hasOwner) problems.push({ field: 'owner', ...CLUB_OWNER });
      if (o.ownerUntil !== null) problems.push({ field: 'ownerUntil', ...ONLY_LENT });
      break;
    case 'lent-to-club':
      if (!hasOwner) problems.push({ field: 'owner', ...WHO_LENT });
      if (o.ownerUntil === null) problems.push({ field: 'ownerUntil', ...LENT_UNTIL });
      break;
    case 'member-owned':
      if (o.ownerMemberId === null) problems.push({ field: 'ownerMemberId', ...WHICH_MEMBER });
      if (o.ownerUntil !== null) problems.push({ field: 'ownerUntil', ...ONLY_LENT });
      break;
    case 'donated':
      if (o.ownerUntil !== null) problems.push({ field: 'ownerUntil', ...ONLY_LENT });
      break;
  }
  return problems;
}

export interface BorrowCheck {
  ownership: Ownership;
  ownerMemberId: number | null;
  archived: boolean;
  openLoan: boolean;
  needsInduction: boolean;
  // The borrower's induction, if any: its expiry (null = never expires).
  induction: { expiresOn: string | null } | undefined;
  borrowerId: number;
  // A helper or the board lends it; otherwise a member borrows for themselves.
  lentByHelper: boolean;
  today: string;
  dueOn: string;
}

// Why this loan cannot happen, or undefined.
export function borrowProblem(c: BorrowCheck): Problem | undefined {
  if (c.archived) return { message: 'this thing is archived', key: 'loan.archived' };
  if (c.openLoan) return { message: 'this thing is already lent; it has to be returned first', key: 'loan.lent' };
  if (c.dueOn < c.today) return { message: 'the return date is in the past', key: 'loan.pastDue' };
  // A member's own thing is lent by its owner or by a helper, not taken by anyone.
  if (c.ownership === 'member-owned' && !c.lentByHelper && c.ownerMemberId !== c.borrowerId) {
    return { message: "this is a member's own thing: ask its owner or a helper", key: 'loan.memberOwned' };
  }
  if (c.needsInduction) {
    if (!c.induction) {
      return { message: 'this thing needs an induction, and the borrower has none', key: 'loan.noInduction' };
    }
    if (c.induction.expiresOn !== null && c.induction.expiresOn < c.today) {
      return {
        message: `the borrower's induction ran out on ${c.induction.expiresOn}`,
        key: 'loan.inductionExpired',
        params: { on: c.induction.expiresOn },
      };
    }
  }
  return undefined;
}

// YYYY-MM-DD in UTC, the form dates are compared in.
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDay(d);
}
