import { describe, expect, it } from 'vitest';
import { desiredMail, planMail, type ActualMail, type MemberMailFacts } from './mail.plan.js';

const opts = { domain: 'club.example', pseudonymPattern: 'mitglied-{number}' };
const NOW = new Date('2026-12-02T12:00:00Z');

function member(id: number, over: Partial<MemberMailFacts> = {}): MemberMailFacts {
  return {
    id,
    username: `user${id}`,
    memberNumber: `${1000 + id}`,
    privateEmail: `user${id}@private.example`,
    active: true,
    erased: false,
    hasPassword: true,
    wantsNamedAddress: true,
    wantsPseudonymousAddress: false,
    forwardToPrivate: false,
    keepCopy: true,
    formerUsernames: [],
    ...over,
  };
}

const empty: ActualMail = { mailboxes: [], aliases: [], manualAddresses: new Set() };
const states = (...ms: MemberMailFacts[]) => new Map(ms.map((m) => [m.id, m]));

describe('desiredMail', () => {
  it('gives a member with a password one mailbox at the named address, the pseudonym as an alias to it', () => {
    const d = desiredMail([member(1, { wantsPseudonymousAddress: true })], [], opts);
    expect(d.mailboxes).toEqual([
      { memberId: 1, address: 'user1@club.example', login: 'user1', maildir: 'club.example/user1/' },
    ]);
    expect(d.aliases).toEqual([
      {
        source: 'mitglied-1001@club.example',
        destination: 'user1@club.example',
        origin: 'member',
        memberId: 1,
        groupId: null,
      },
    ]);
  });

  it('forwards to the private address, keeping a copy (a → a) only when chosen and when there is a mailbox', () => {
    const keep = desiredMail([member(1, { forwardToPrivate: true })], [], opts).aliases.map((a) => a.destination);
    expect(keep).toEqual(['user1@private.example', 'user1@club.example']);
    const noCopy = desiredMail([member(1, { forwardToPrivate: true, keepCopy: false })], [], opts);
    expect(noCopy.aliases.map((a) => a.destination)).toEqual(['user1@private.example']);
    const noPassword = desiredMail([member(1, { forwardToPrivate: true, hasPassword: false })], [], opts);
    expect(noPassword.mailboxes).toEqual([]);
    expect(noPassword.aliases.map((a) => a.destination)).toEqual(['user1@private.example']);
  });

  it('gives nothing to a member who is not active, or could not receive (no password, no forwarding)', () => {
    expect(desiredMail([member(1, { active: false })], [], opts)).toEqual({ mailboxes: [], aliases: [], problems: [] });
    expect(desiredMail([member(1, { hasPassword: false })], [], opts).aliases).toEqual([]);
  });

  it('keeps a renamed member’s old named address as an alias', () => {
    const d = desiredMail([member(1, { formerUsernames: ['old.name'] })], [], opts);
    expect(d.aliases).toContainEqual(
      expect.objectContaining({ source: 'old.name@club.example', destination: 'user1@club.example' }),
    );
  });

  it('sends a team address to each active member: the named address if any, else the private one', () => {
    const ms = [member(1), member(2, { wantsNamedAddress: false }), member(3, { active: false })];
    const d = desiredMail(
      ms,
      [{ id: 7, slug: 'vorstand', mailAddress: 'vorstand@club.example', memberIds: [1, 2, 3] }],
      opts,
    );
    expect(d.aliases.filter((a) => a.origin === 'group').map((a) => a.destination)).toEqual([
      'user1@club.example',
      'user2@private.example',
    ]);
  });

  it('reports a team address whose group has no active member', () => {
    const d = desiredMail([], [{ id: 7, slug: 'leer', mailAddress: 'leer@club.example', memberIds: [] }], opts);
    expect(d.problems).toEqual([
      { subject: 'group:leer', message: expect.stringMatching(/no active member.*bounces/) },
    ]);
  });
});

describe('planMail', () => {
  it('creates what is missing and does nothing the second time', () => {
    const m = member(1, { forwardToPrivate: true });
    const d = desiredMail([m], [], opts);
    const plan = planMail(d, empty, states(m), NOW, 30);
    expect(plan.actions.map((a) => a.kind)).toEqual(['create-mailbox', 'create-alias', 'create-alias']);
    const actual: ActualMail = {
      mailboxes: [
        { id: 1, memberId: 1, address: 'user1@club.example', login: 'user1', endedAt: null, receiveUntil: null },
      ],
      aliases: d.aliases.map((a, i) => ({ ...a, id: i + 1, receiveUntil: null })),
      manualAddresses: new Set(),
    };
    expect(planMail(d, actual, states(m), NOW, 30)).toEqual({ actions: [], problems: [] });
  });

  it('ends a suspended member’s mailbox and forwarding with the grace period, then deletes them', () => {
    const m = member(1, { forwardToPrivate: true, active: false });
    const actual: ActualMail = {
      mailboxes: [
        { id: 1, memberId: 1, address: 'user1@club.example', login: 'user1', endedAt: null, receiveUntil: null },
      ],
      aliases: [
        {
          id: 5,
          source: 'user1@club.example',
          destination: 'user1@private.example',
          origin: 'member',
          memberId: 1,
          groupId: null,
          receiveUntil: null,
        },
      ],
      manualAddresses: new Set(),
    };
    const until = new Date('2027-01-01T12:00:00Z');
    const plan = planMail(desiredMail([m], [], opts), actual, states(m), NOW, 30);
    expect(plan.actions).toEqual([
      { kind: 'end-mailbox', id: 1, memberId: 1, receiveUntil: until },
      {
        kind: 'end-alias',
        id: 5,
        source: 'user1@club.example',
        destination: 'user1@private.example',
        receiveUntil: until,
      },
    ]);
    const ended: ActualMail = {
      ...actual,
      mailboxes: actual.mailboxes.map((b) => ({ ...b, endedAt: NOW, receiveUntil: until })),
      aliases: actual.aliases.map((a) => ({ ...a, receiveUntil: until })),
    };
    expect(planMail(desiredMail([m], [], opts), ended, states(m), NOW, 30).actions).toEqual([]);
    const later = new Date(until.getTime() + 1000);
    expect(planMail(desiredMail([m], [], opts), ended, states(m), later, 30).actions.map((a) => a.kind)).toEqual([
      'delete-mailbox',
      'delete-alias',
    ]);
  });

  it('deletes an erased member’s forwarding to the private address at once', () => {
    const m = member(1, { active: false, erased: true, privateEmail: null });
    const actual: ActualMail = {
      mailboxes: [],
      aliases: [
        {
          id: 5,
          source: 'user1@club.example',
          destination: 'old@private.example',
          origin: 'member',
          memberId: 1,
          groupId: null,
          receiveUntil: null,
        },
      ],
      manualAddresses: new Set(),
    };
    expect(planMail(desiredMail([m], [], opts), actual, states(m), NOW, 30).actions).toEqual([
      { kind: 'delete-alias', id: 5, source: 'user1@club.example', destination: 'old@private.example' },
    ]);
  });

  it('revives a returning member’s rows', () => {
    const m = member(1);
    const actual: ActualMail = {
      mailboxes: [
        { id: 1, memberId: 1, address: 'user1@club.example', login: 'user1', endedAt: NOW, receiveUntil: NOW },
      ],
      aliases: [],
      manualAddresses: new Set(),
    };
    expect(planMail(desiredMail([m], [], opts), actual, states(m), NOW, 30).actions).toEqual([
      { kind: 'revive-mailbox', id: 1, memberId: 1 },
    ]);
  });

  it('never takes over a manual address and leaves the member’s rows alone, with a problem', () => {
    const m = member(1, { username: 'info' });
    const plan = planMail(
      desiredMail([m], [], opts),
      { ...empty, manualAddresses: new Set(['info@club.example']) },
      states(m),
      NOW,
      30,
    );
    expect(plan.actions).toEqual([]);
    expect(plan.problems).toEqual([
      { subject: 'member:1', message: expect.stringMatching(/already a manual mailbox or alias/) },
    ]);
  });

  it('gives a pseudonym that two member numbers map to only to the lower member id', () => {
    const a = member(1, { wantsNamedAddress: false, wantsPseudonymousAddress: true, memberNumber: 'B 7' });
    const b = member(2, { wantsNamedAddress: false, wantsPseudonymousAddress: true, memberNumber: 'b-7' });
    const plan = planMail(desiredMail([a, b], [], opts), empty, states(a, b), NOW, 30);
    expect(plan.actions).toEqual([
      {
        kind: 'create-mailbox',
        mailbox: expect.objectContaining({ memberId: 1, address: 'mitglied-b-7@club.example' }),
      },
    ]);
    expect(plan.problems[0]?.subject).toBe('member:2');
  });

  it('drops a team address’s rows for a member who left the group at once (no grace)', () => {
    const m = member(1);
    const actual: ActualMail = {
      mailboxes: [
        { id: 1, memberId: 1, address: 'user1@club.example', login: 'user1', endedAt: null, receiveUntil: null },
      ],
      aliases: [
        {
          id: 9,
          source: 'team@club.example',
          destination: 'user1@club.example',
          origin: 'group',
          memberId: null,
          groupId: 7,
          receiveUntil: null,
        },
      ],
      manualAddresses: new Set(),
    };
    const d = desiredMail([m], [{ id: 7, slug: 'team', mailAddress: 'team@club.example', memberIds: [] }], opts);
    expect(planMail(d, actual, states(m), NOW, 30).actions).toEqual([
      { kind: 'delete-alias', id: 9, source: 'team@club.example', destination: 'user1@club.example' },
    ]);
  });
});
