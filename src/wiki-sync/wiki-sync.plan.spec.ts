import { describe, expect, it } from 'vitest';
import { planWiki, type DesiredWikiMember, type WikiDesired, type WikiUser } from './wiki-sync.plan.js';

const PW = ':argon2:$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';

function member(over: Partial<DesiredWikiMember> = {}): DesiredWikiMember {
  return {
    memberId: 1,
    access: true,
    name: { ok: true, name: 'Karl Liebknecht' },
    realName: 'Karl Liebknecht',
    email: 'karl@example.org',
    password: PW,
    groups: [],
    ...over,
  };
}

function user(over: Partial<WikiUser> = {}): WikiUser {
  return {
    id: 10,
    name: 'Karl Liebknecht',
    realName: 'Karl Liebknecht',
    email: 'karl@example.org',
    password: PW,
    groups: [],
    blockedByUs: false,
    ...over,
  };
}

const linked = [{ memberId: 1, wikiUserId: 10, wikiName: 'Karl Liebknecht' }];

function plan(
  members: DesiredWikiMember[],
  accounts: WikiDesired['accounts'],
  users: WikiUser[],
  byName: WikiUser[] = [],
) {
  const p = planWiki(
    { members, accounts, managedGroups: ['sysop'] },
    { byId: new Map(users.map((u) => [u.id, u])), byName: new Map(byName.map((u) => [u.name, u])) },
  );
  return { kinds: p.actions.map((a) => a.kind), actions: p.actions, problems: p.problems };
}

describe('planWiki', () => {
  it('creates a user for a member with access and no wiki user', () => {
    expect(plan([member({ groups: ['sysop'] })], [], []).actions).toEqual([
      expect.objectContaining({ kind: 'create', name: 'Karl Liebknecht', password: PW, groups: ['sysop'] }),
    ]);
  });

  it('does nothing when the user matches', () => {
    expect(plan([member()], linked, [user()]).kinds).toEqual([]);
  });

  it.each([
    ['a new password hash', member({ password: ':argon2:other' }), ['password']],
    ['a new real name', member({ realName: 'Karl L.' }), ['update']],
    ['a new address', member({ email: 'k@example.org' }), ['update']],
    ['joining the board', member({ groups: ['sysop'] }), ['groups']],
  ])('follows %s', (_what, m, kinds) => {
    expect(plan([m], linked, [user()]).kinds).toEqual(kinds);
  });

  it('removes managed groups only: a group the wiki admins gave stays', () => {
    const { actions } = plan([member()], linked, [user({ groups: ['sysop', 'bureaucrat'] })]);
    expect(actions).toEqual([expect.objectContaining({ kind: 'groups', add: [], remove: ['sysop'] })]);
  });

  it('disables a member who lost access: password, sessions, block, managed groups', () => {
    const { actions } = plan([member({ access: false, password: '' })], linked, [user({ groups: ['sysop'] })]);
    expect(actions).toEqual([expect.objectContaining({ kind: 'disable', block: true, removeGroups: ['sysop'] })]);
  });

  it('leaves a disabled user alone once it is disabled', () => {
    const disabled = user({ password: '', blockedByUs: true, realName: '', email: '' });
    expect(plan([member({ access: false, password: '' })], linked, [disabled]).kinds).toEqual([]);
  });

  it('lifts its block and sets the password when the member is back', () => {
    expect(plan([member()], linked, [user({ password: '', blockedByUs: true })]).kinds).toEqual([
      'unblock',
      'password',
    ]);
  });

  it('reports a name taken by a wiki user that is not the member’s, and changes nothing', () => {
    const other = user({ id: 99, password: ':pbkdf2:someone-else' });
    const p = plan([member()], [], [], [other]);
    expect(p.actions).toEqual([]);
    expect(p.problems[0]?.message).toMatch(/already exists and is not member 1's/);
  });

  it('adopts a user under the member’s name that carries the member’s own hash (an earlier run’s lost bookkeeping)', () => {
    expect(plan([member()], [], [], [user({ id: 42 })]).actions).toEqual([
      expect.objectContaining({ kind: 'adopt', wikiUserId: 42, memberId: 1 }),
    ]);
  });

  it('reports a name MediaWiki refuses', () => {
    const p = plan([member({ name: { ok: false, reason: 'MediaWiki does not allow "#" in user names' } })], [], []);
    expect(p.actions).toEqual([]);
    expect(p.problems[0]?.message).toContain('"#"');
  });

  it('gives one name to the first of two members who would share it and reports the second', () => {
    const p = plan([member(), member({ memberId: 2 })], [], []);
    expect(p.kinds).toEqual(['create']);
    expect(p.problems).toHaveLength(1);
  });

  it('ignores members without access and without a wiki user', () => {
    expect(plan([member({ access: false, password: '' })], [], []).kinds).toEqual([]);
  });
});
