import { describe, expect, it } from 'vitest';
import { addDays, borrowProblem, ownershipProblems, type BorrowCheck } from './ownership.js';

describe('ownershipProblems', () => {
  const none = { ownerMemberId: null, ownerName: null, ownerUntil: null };
  it('club property has no owner', () => {
    expect(ownershipProblems({ ownership: 'club', ...none })).toEqual([]);
    expect(ownershipProblems({ ownership: 'club', ...none, ownerName: 'Anna' })[0]?.field).toBe('owner');
  });
  it('a loan to the club needs a lender and a date', () => {
    expect(ownershipProblems({ ownership: 'lent-to-club', ...none }).map((p) => p.field)).toEqual([
      'owner',
      'ownerUntil',
    ]);
    expect(
      ownershipProblems({ ownership: 'lent-to-club', ...none, ownerName: 'Nachbarverein', ownerUntil: '2027-01-01' }),
    ).toEqual([]);
  });
  it("a member's own thing needs the member", () => {
    expect(ownershipProblems({ ownership: 'member-owned', ...none })[0]?.field).toBe('ownerMemberId');
    expect(ownershipProblems({ ownership: 'member-owned', ...none, ownerMemberId: 7 })).toEqual([]);
  });
  it('a donation may name its donor', () => {
    expect(ownershipProblems({ ownership: 'donated', ...none, ownerName: 'Oma Erna' })).toEqual([]);
  });
  it('member and name together are refused', () => {
    expect(ownershipProblems({ ownership: 'donated', ...none, ownerMemberId: 1, ownerName: 'x' })[0]?.field).toBe(
      'ownerName',
    );
  });
});

describe('borrowProblem', () => {
  const base: BorrowCheck = {
    ownership: 'club',
    ownerMemberId: null,
    archived: false,
    openLoan: false,
    needsInduction: false,
    induction: undefined,
    borrowerId: 5,
    lentByHelper: false,
    today: '2026-12-02',
    dueOn: '2026-12-09',
  };
  it('lends a free club thing', () => {
    expect(borrowProblem(base)).toBeUndefined();
  });
  it('refuses a thing that is already lent', () => {
    expect(borrowProblem({ ...base, openLoan: true })?.message).toMatch(/already lent/);
  });
  it('refuses a due date in the past', () => {
    expect(borrowProblem({ ...base, dueOn: '2026-12-01' })?.message).toMatch(/past/);
  });
  it("lets only the owner or a helper lend a member's own thing", () => {
    const own = { ...base, ownership: 'member-owned' as const, ownerMemberId: 9 };
    expect(borrowProblem(own)?.message).toMatch(/own thing/);
    expect(borrowProblem({ ...own, borrowerId: 9 })).toBeUndefined();
    expect(borrowProblem({ ...own, lentByHelper: true })).toBeUndefined();
  });
  it('needs a valid induction where the thing needs one', () => {
    const laser = { ...base, needsInduction: true };
    expect(borrowProblem(laser)?.message).toMatch(/induction/);
    expect(borrowProblem({ ...laser, induction: { expiresOn: '2026-12-01' } })?.message).toMatch(/ran out/);
    expect(borrowProblem({ ...laser, induction: { expiresOn: '2026-12-02' } })).toBeUndefined();
    expect(borrowProblem({ ...laser, induction: { expiresOn: null } })).toBeUndefined();
  });
});

describe('addDays', () => {
  it('crosses month and year ends', () => {
    expect(addDays('2026-12-25', 14)).toBe('2027-01-08');
  });
});
