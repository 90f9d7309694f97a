import { describe, expect, it } from 'vitest';
import { visibleTo, type MemberView } from './member-view.js';

const view: MemberView = {
  id: 1,
  username: 'rosa.luxemburg',
  displayName: 'Rosa Luxemburg',
  firstName: 'Rosa',
  lastName: 'Luxemburg',
  memberNumber: '1871',
  privateEmail: 'rosa@example.org',
  state: 'active',
  groups: ['board'],
  profile: { phone: '030 1234', pronouns: 'she/her' },
};
const rules = [
  { key: 'firstName', visibility: 'members' as const },
  { key: 'lastName', visibility: 'members' as const },
  { key: 'groups', visibility: 'members' as const },
  { key: 'memberNumber', visibility: 'board' as const },
  { key: 'privateEmail', visibility: 'board' as const },
  { key: 'pronouns', visibility: 'public' as const },
  { key: 'phone', visibility: 'board' as const },
];

describe('visibleTo', () => {
  it('shows another member only members- and public-visible fields', () => {
    expect(visibleTo(view, { role: 'member', memberId: 2 }, rules)).toEqual({
      id: 1,
      username: 'rosa.luxemburg',
      displayName: 'Rosa Luxemburg',
      firstName: 'Rosa',
      lastName: 'Luxemburg',
      groups: ['board'],
      profile: { pronouns: 'she/her' },
    });
  });

  it('shows the board and the member themself everything', () => {
    expect(visibleTo(view, { role: 'board', memberId: 2 }, rules)).toEqual(view);
    expect(visibleTo(view, { role: 'member', memberId: 1 }, rules)).toEqual(view);
  });
});
