import { describe, expect, it } from 'vitest';
import {
  MANAGED_MARK,
  planDirectory,
  type DesiredPerson,
  type DirectoryActual,
  type DirectoryDesired,
  type DirectoryEntry,
} from './directory-sync.plan.js';

const BASE = 'dc=club,dc=example';
const HASH = '{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';

function person(uid: string, over: Partial<DesiredPerson> = {}): DesiredPerson {
  return {
    uid,
    cn: 'Karl Liebknecht',
    sn: 'Liebknecht',
    givenName: 'Karl',
    displayName: 'Karl Liebknecht',
    mail: `${uid}@club.example`,
    userPassword: HASH,
    ...over,
  };
}

// The entry allmende would have written for p.
function entryOf(p: DesiredPerson, mark = true): DirectoryEntry {
  return {
    dn: `uid=${p.uid},ou=people,${BASE}`,
    attributes: {
      uid: [p.uid],
      cn: [p.cn],
      sn: [p.sn],
      givenName: [p.givenName],
      displayName: [p.displayName],
      ...(p.mail ? { mail: [p.mail] } : {}),
      userPassword: [p.userPassword],
      ...(mark ? { description: [MANAGED_MARK] } : {}),
    },
  };
}

function group(cn: string, members: string[], mark = true): DirectoryEntry {
  return {
    dn: `cn=${cn},ou=groups,${BASE}`,
    attributes: { cn: [cn], member: members, ...(mark ? { description: [MANAGED_MARK] } : {}) },
  };
}

const karl = person('karl');
const clara = person('clara', { cn: 'Clara Zetkin', sn: 'Zetkin', givenName: 'Clara', displayName: 'Clara Zetkin' });

function desired(over: Partial<DirectoryDesired> = {}): DirectoryDesired {
  return { base: BASE, exclusive: false, people: [karl], groups: [], ...over };
}

function actual(over: Partial<DirectoryActual> = {}): DirectoryActual {
  return { people: [], groups: [], ...over };
}

function summary(d: DirectoryDesired, a: DirectoryActual): string[] {
  const plan = planDirectory(d, a);
  return [
    ...plan.actions.map((x) => `${x.kind} ${x.item}${'changes' in x ? ` ${Object.keys(x.changes).join(',')}` : ''}`),
    ...plan.problems.map((p) => `problem ${p.item}`),
  ];
}

describe('planDirectory', () => {
  it.each<[string, DirectoryDesired, DirectoryActual, string[]]>([
    ['a new active member is created', desired(), actual(), ['create karl']],
    ['an entry as allmende wrote it: nothing to do', desired(), actual({ people: [entryOf(karl)] }), []],
    [
      'a new hash is a password action of its own',
      desired({ people: [person('karl', { userPassword: '{ARGON2}new' })] }),
      actual({ people: [entryOf(karl)] }),
      ['password karl userPassword'],
    ],
    [
      'a changed name and a removed address are one update',
      desired({ people: [person('karl', { cn: 'Karl L.', displayName: 'Karl L.', mail: null })] }),
      actual({ people: [entryOf(karl)] }),
      ['update karl cn,displayName,mail'],
    ],
    [
      // Suspension and exit: the member is no longer desired, allmende's entry goes.
      'an entry of a member without access is deleted',
      desired({ people: [] }),
      actual({ people: [entryOf(karl)] }),
      ['delete karl'],
    ],
    [
      'an entry allmende did not make is left alone',
      desired({ people: [] }),
      actual({ people: [entryOf(karl, false)] }),
      [],
    ],
    [
      'an entry allmende did not make with a member’s uid is reported, not overwritten',
      desired(),
      actual({ people: [entryOf(person('karl', { userPassword: '{SSHA}x' }), false)] }),
      ['problem karl'],
    ],
    [
      'exclusive: a foreign entry with a member’s uid is adopted, the others are deleted',
      desired({ exclusive: true }),
      actual({ people: [entryOf(karl, false), entryOf(clara, false)] }),
      ['update karl description', 'delete clara'],
    ],
  ])('%s', (_name, d, a, expected) => {
    expect(summary(d, a)).toEqual(expected);
  });
});

describe('planDirectory: groups', () => {
  const karlDn = `uid=karl,ou=people,${BASE}`;
  const claraDn = `uid=clara,ou=people,${BASE}`;

  it('a group lists its members with an entry; an empty group holds the empty DN', () => {
    const plan = planDirectory(
      desired({
        people: [karl],
        groups: [
          // clara has no access (no entry): she is not listed.
          { slug: 'board', name: 'Vorstand', members: ['karl', 'clara'] },
          { slug: 'helpers', name: 'helpers', members: [] },
        ],
      }),
      actual({ people: [entryOf(karl)] }),
    );
    expect(plan.actions).toEqual([
      {
        kind: 'create-group',
        item: 'board',
        dn: `cn=board,ou=groups,${BASE}`,
        attributes: { cn: ['board', 'Vorstand'], member: [karlDn], description: [MANAGED_MARK] },
      },
      {
        kind: 'create-group',
        item: 'helpers',
        dn: `cn=helpers,ou=groups,${BASE}`,
        attributes: { cn: ['helpers'], member: [''], description: [MANAGED_MARK] },
      },
    ]);
  });

  it('members follow the group, compared without regard to DN case', () => {
    const d = desired({ people: [karl, clara], groups: [{ slug: 'board', name: 'board', members: ['clara'] }] });
    const a = actual({
      people: [entryOf(karl), entryOf(clara)],
      groups: [group('board', [karlDn.toUpperCase()])],
    });
    expect(planDirectory(d, a).actions).toEqual([
      {
        kind: 'update-group',
        item: 'board',
        dn: `cn=board,ou=groups,${BASE}`,
        changes: { member: [claraDn] },
        adopt: false,
      },
    ]);
    expect(planDirectory(d, actual({ people: a.people, groups: [group('board', [claraDn])] })).actions).toEqual([]);
  });

  it('a member whose uid is held by a foreign entry is not put into groups', () => {
    const plan = planDirectory(
      desired({ groups: [{ slug: 'board', name: 'board', members: ['karl'] }] }),
      actual({ people: [entryOf(karl, false)] }),
    );
    expect(plan.problems.map((p) => p.item)).toEqual(['karl']);
    expect(plan.actions[0]).toMatchObject({ kind: 'create-group', attributes: { member: [''] } });
  });

  it('allmende’s groups that are gone are deleted, foreign ones stay unless exclusive', () => {
    const a = actual({ people: [entryOf(karl)], groups: [group('old', ['']), group('theirs', [karlDn], false)] });
    expect(summary(desired(), a)).toEqual([`delete-group cn=old,ou=groups,${BASE}`]);
    expect(summary(desired({ exclusive: true }), a)).toEqual([
      `delete-group cn=old,ou=groups,${BASE}`,
      `delete-group cn=theirs,ou=groups,${BASE}`,
    ]);
  });

  it('a name with LDAP special characters stays a value; the DN escapes the slug', () => {
    const odd = person('kalle', { cn: '#Müller, "Kalle" <a+b\\c>;=', displayName: '#Müller, "Kalle" <a+b\\c>;=' });
    const plan = planDirectory(desired({ people: [odd] }), actual());
    expect(plan.actions[0]).toMatchObject({
      dn: `uid=kalle,ou=people,${BASE}`,
      attributes: { cn: ['#Müller, "Kalle" <a+b\\c>;='] },
    });
  });
});
