import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

interface Change {
  field: string;
  old: unknown;
  new: unknown;
}

interface RevisionBody {
  id: number;
  kind: string;
  state: string;
  actorLabel: string;
  createdAt: string;
  changes: Change[];
  member: number | { id: number };
}

let t: TestApp;
let board: Agent;
let admin: Agent;

beforeAll(async () => {
  t = await createTestApp();
  board = await loginAs(t, 'board', { firstName: 'Rosa', lastName: 'Luxemburg' });
  admin = await loginAs(t, 'admin', { firstName: 'Ada', lastName: 'Lovelace' });
});
afterAll(() => t.close());

async function historyOf(id: number): Promise<RevisionBody[]> {
  const res = await board.get(`/api/members/${id}/history`);
  expect(res.status).toBe(200);
  return res.body as RevisionBody[];
}

function memberIdOf(revision: RevisionBody): number {
  return typeof revision.member === 'number' ? revision.member : revision.member.id;
}

describe('changes by the board', () => {
  it('apply at once and are recorded as a revision: who, when, field, old → new', async () => {
    const m = await makeMember(t, { firstName: 'Friedrich', lastName: 'Engels' });
    const before = Date.now();
    const res = await board.patch(`/api/members/${m.id}`).send({ firstName: 'Fritz', language: 'de' });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({ firstName: 'Fritz', language: 'de' });
    expect(res.body.pending).toBeNull();
    expect((await board.get(`/api/members/${m.id}`)).body.firstName).toBe('Fritz');

    const update = (await historyOf(m.id)).find((r) => r.kind === 'update');
    expect(update).toMatchObject({ state: 'applied', actorLabel: board.member.username });
    expect(update?.changes).toEqual(
      expect.arrayContaining([
        { field: 'firstName', old: 'Friedrich', new: 'Fritz' },
        { field: 'language', old: null, new: 'de' },
        // The display name was the full name, so it follows the new first name.
        { field: 'displayName', old: 'Friedrich Engels', new: 'Fritz Engels' },
      ]),
    );
    expect(update?.changes).toHaveLength(3);
    const at = Date.parse(update?.createdAt ?? '');
    expect(at).toBeGreaterThanOrEqual(before - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('records nothing for a PATCH that changes nothing', async () => {
    const m = await makeMember(t, { firstName: 'Gleich', lastName: 'Bleibend' });
    const revisionsBefore = (await historyOf(m.id)).length;
    const res = await board.patch(`/api/members/${m.id}`).send({ firstName: 'Gleich' });
    expect(res.status).toBe(200);
    expect(await historyOf(m.id)).toHaveLength(revisionsBefore);
  });

  it('refuses a stale version with 409 and keeps the newer value', async () => {
    const m = await makeMember(t, { firstName: 'Otto', lastName: 'Rühle' });
    const { version } = (await board.get(`/api/members/${m.id}`)).body as { version: number };
    const first = await board.patch(`/api/members/${m.id}`).send({ version, displayName: 'Otto R.' });
    expect(first.status).toBe(200);
    const second = await board.patch(`/api/members/${m.id}`).send({ version, displayName: 'O. Rühle' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('STALE_VERSION');
    expect((await board.get(`/api/members/${m.id}`)).body.displayName).toBe('Otto R.');
  });

  it('refuses a private e-mail another member already has with 409 naming privateEmail', async () => {
    await makeMember(t, { firstName: 'Erste', lastName: 'Adresse', privateEmail: 'taken@example.org' });
    const m = await makeMember(t, { firstName: 'Zweite', lastName: 'Adresse' });
    const res = await board.patch(`/api/members/${m.id}`).send({ privateEmail: 'TAKEN@example.org' });
    expect(res.status).toBe(409);
    expect(res.body.error.fields).toEqual([{ field: 'privateEmail', message: 'already used by another record' }]);
    expect((await board.get(`/api/members/${m.id}`)).body.privateEmail).toBeNull();
  });

  it('lets a member change only their own record through /api/members/:id', async () => {
    const member = await loginAs(t, 'member');
    const other = await makeMember(t, { state: 'active' });
    const res = await member.patch(`/api/members/${other.id}`).send({ displayName: 'Hijacked' });
    expect(res.status).toBe(403);
    expect((await board.get(`/api/members/${other.id}`)).body.displayName).not.toBe('Hijacked');
  });
});

describe('changes by the member themself', () => {
  let member: Agent;

  beforeAll(async () => {
    member = await loginAs(t, 'member', { firstName: 'Clara', lastName: 'Eissner' });
  });

  it('a first-name change waits for the board as a pending revision', async () => {
    const res = await member.patch('/api/me').send({ firstName: 'Klara' });
    expect(res.status).toBe(200);
    expect(res.body.member.firstName).toBe('Clara');
    expect(res.body.pending).toMatchObject({
      state: 'pending',
      changes: [{ field: 'firstName', old: 'Clara', new: 'Klara' }],
    });
    expect((await member.get('/api/me')).body.firstName).toBe('Clara');
  });

  it('a display-name change applies at once', async () => {
    const res = await member.patch('/api/me').send({ displayName: 'Clärchen' });
    expect(res.status).toBe(200);
    expect(res.body.pending).toBeNull();
    expect((await member.get('/api/me')).body.displayName).toBe('Clärchen');
  });

  it('a member-number change is refused with 403 naming the field, and nothing changes', async () => {
    const res = await member.patch('/api/me').send({ memberNumber: '1', displayName: 'Sneaky' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/memberNumber/);
    expect(res.body.error.fields).toEqual([{ field: 'memberNumber', message: 'not editable by the member' }]);
    const me = (await member.get('/api/me')).body;
    expect(me.memberNumber).toBeNull();
    expect(me.displayName).toBe('Clärchen');
  });
});

describe('approvals', () => {
  async function pendingFirstName(firstName: string, newName: string): Promise<{ agent: Agent; revisionId: number }> {
    const agent = await loginAs(t, 'member', { firstName, lastName: 'Antrag' });
    const res = await agent.patch('/api/me').send({ firstName: newName });
    expect(res.status).toBe(200);
    return { agent, revisionId: (res.body.pending as RevisionBody).id };
  }

  it('lists pending changes for the board, not for members', async () => {
    const { agent, revisionId } = await pendingFirstName('Lise', 'Liese');
    const res = await board.get('/api/approvals');
    expect(res.status).toBe(200);
    const listed = (res.body as RevisionBody[]).find((r) => r.id === revisionId);
    expect(listed).toMatchObject({ state: 'pending', changes: [{ field: 'firstName', old: 'Lise', new: 'Liese' }] });
    expect(memberIdOf(listed as RevisionBody)).toBe(agent.member.id);
    expect((await agent.get('/api/approvals')).status).toBe(403);
  });

  it('approving applies the change and takes it off the list', async () => {
    const { agent, revisionId } = await pendingFirstName('Hedwig', 'Hedda');
    const res = await board.post(`/api/approvals/${revisionId}/approve`).send({ note: 'ok' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: revisionId, state: 'approved' });
    expect((await agent.get('/api/me')).body.firstName).toBe('Hedda');
    expect((await board.get('/api/approvals')).body.map((r: RevisionBody) => r.id)).not.toContain(revisionId);
  });

  it('rejecting keeps the old value and marks the revision rejected', async () => {
    const { agent, revisionId } = await pendingFirstName('Mathilde', 'Tilly');
    const res = await board.post(`/api/approvals/${revisionId}/reject`).send({ note: 'please send proof' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: revisionId, state: 'rejected', note: 'please send proof' });
    expect((await agent.get('/api/me')).body.firstName).toBe('Mathilde');
    const inHistory = (await historyOf(agent.member.id)).find((r) => r.id === revisionId);
    expect(inHistory?.state).toBe('rejected');
    expect((await board.get('/api/approvals')).body.map((r: RevisionBody) => r.id)).not.toContain(revisionId);
  });

  it.each([
    ['approve', 'approve', 'approved'],
    ['approve', 'reject', 'approved'],
    ['reject', 'approve', 'rejected'],
    ['reject', 'reject', 'rejected'],
  ])('a second decision (%s, then %s) is refused with 409', async (first, second, state) => {
    const { agent, revisionId } = await pendingFirstName('Johanna', 'Hanna');
    expect((await board.post(`/api/approvals/${revisionId}/${first}`).send({})).status).toBe(200);
    const again = await board.post(`/api/approvals/${revisionId}/${second}`).send({});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(`already ${state}`);
    expect((await agent.get('/api/me')).body.firstName).toBe(state === 'approved' ? 'Hanna' : 'Johanna');
  });

  it('refuses to approve a request whose field the board changed since, so nothing is overwritten', async () => {
    const { agent, revisionId } = await pendingFirstName('Minna', 'Mina');
    expect((await board.patch(`/api/members/${agent.member.id}`).send({ firstName: 'Wilhelmine' })).status).toBe(200);
    const res = await board.post(`/api/approvals/${revisionId}/approve`).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain('firstName is now "Wilhelmine"');
    expect((await agent.get('/api/me')).body.firstName).toBe('Wilhelmine');
    // It can still be rejected, which closes it.
    expect((await board.post(`/api/approvals/${revisionId}/reject`).send({})).status).toBe(200);
  });

  it('answers 404 for an unknown revision', async () => {
    expect((await board.post('/api/approvals/999999/approve').send({})).status).toBe(404);
  });
});

describe('membership status', () => {
  it('a status from a later day closes the current period the day before', async () => {
    const m = await makeMember(t, { firstName: 'Status', lastName: 'Wechsel', since: '2020-01-01' });
    const res = await board.post(`/api/members/${m.id}/status`).send({ status: 'supporter', begin: '2024-07-01' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'supporter', statusSince: '2024-07-01' });
    const data = await board.get(`/api/members/${m.id}/personal-data`);
    expect(data.status).toBe(200);
    expect(data.body.membershipPeriods).toEqual([
      { status: 'member', begin: '2020-01-01', end: '2024-06-30' },
      { status: 'supporter', begin: '2024-07-01', end: null },
    ]);
    const statusRevision = (await historyOf(m.id)).find((r) => r.kind === 'status');
    expect(statusRevision?.changes).toEqual([{ field: 'status', old: 'member', new: 'supporter' }]);
  });

  it('refuses a status that begins before the current one with 400', async () => {
    const m = await makeMember(t, { since: '2022-03-01' });
    const res = await board.post(`/api/members/${m.id}/status`).send({ status: 'supporter', begin: '2021-01-01' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields[0].field).toBe('begin');
  });

  it('refuses an unknown status with 400 listing the known ones', async () => {
    const m = await makeMember(t);
    const res = await board.post(`/api/members/${m.id}/status`).send({ status: 'honorary' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields[0].field).toBe('status');
    for (const known of ['member', 'supporter', 'applicant', 'suspended', 'former'])
      expect(res.body.error.message).toContain(known);
    expect((await board.get(`/api/members/${m.id}`)).body.status).toBe('member');
  });
});

describe('account state', () => {
  it.each([
    { path: [] as string[], to: 'active', status: 200, message: undefined },
    { path: ['left'], to: 'active', status: 409, message: 'cannot go from left to active (allowed: none)' },
    {
      path: ['active'],
      to: 'registered',
      status: 409,
      message: 'cannot go from active to registered (allowed: suspended, left)',
    },
    { path: ['active', 'suspended'], to: 'active', status: 200, message: undefined },
  ])('invited → $path → $to answers $status', async ({ path, to, status, message }) => {
    const m = await makeMember(t);
    for (const step of path)
      expect((await board.post(`/api/members/${m.id}/state`).send({ state: step })).status).toBe(200);
    const from = path.at(-1) ?? 'invited';
    const res = await board.post(`/api/members/${m.id}/state`).send({ state: to, reason: 'test' });
    expect(res.status).toBe(status);
    if (message === undefined) {
      expect(res.body.state).toBe(to);
    } else {
      expect(res.body.error.message).toBe(message);
      expect((await board.get(`/api/members/${m.id}`)).body.state).toBe(from);
    }
  });
});

describe('custom profile fields', () => {
  let owner: Agent;
  let otherMember: Agent;

  beforeAll(async () => {
    owner = await loginAs(t, 'member', { firstName: 'Profil', lastName: 'Inhaberin' });
    otherMember = await loginAs(t, 'member', { firstName: 'Neugierig', lastName: 'Nachbar' });
  });

  it.each([
    { key: 'phone', visibility: 'board', value: '+49 30 1234567', otherSees: false },
    { key: 'pronouns', visibility: 'members', value: 'sie/ihr', otherSees: true },
  ])(
    'a $visibility field ($key) is seen by the board, by other members: $otherSees',
    async ({ key, visibility, value, otherSees }) => {
      const created = await admin
        .post('/api/profile-fields')
        .send({ key, label: key, visibility, memberEditable: true });
      expect(created.status).toBe(201);

      const set = await owner.patch('/api/me').send({ profile: { [key]: value } });
      expect(set.status).toBe(200);
      expect(set.body.pending).toBeNull();
      expect((await owner.get('/api/me')).body.profile).toMatchObject({ [key]: value });

      expect((await board.get(`/api/members/${owner.member.id}`)).body.profile).toMatchObject({ [key]: value });
      const seenByOther = (await otherMember.get(`/api/members/${owner.member.id}`)).body as {
        profile?: Record<string, string>;
      };
      expect(seenByOther.profile?.[key]).toBe(otherSees ? value : undefined);
    },
  );

  it('only the admin creates profile fields', async () => {
    const res = await board.post('/api/profile-fields').send({ key: 'shoeSize', label: 'Shoe size' });
    expect(res.status).toBe(403);
  });

  it('refuses values for a profile field that does not exist', async () => {
    const res = await owner.patch('/api/me').send({ profile: { nonsense: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([{ field: 'profile.nonsense', message: 'no such profile field' }]);
  });

  it('a member may not set a field that is not member-editable', async () => {
    expect(
      (await admin.post('/api/profile-fields').send({ key: 'badge', label: 'Badge', memberEditable: false })).status,
    ).toBe(201);
    const res = await owner.patch('/api/me').send({ profile: { badge: 'gold' } });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('profile.badge');
  });
});

describe('groups', () => {
  it('PUT adds to and DELETE removes from a group, each on record', async () => {
    const m = await makeMember(t);
    const added = await board.put(`/api/members/${m.id}/groups/board`);
    expect(added.status).toBe(200);
    expect(added.body.groups).toEqual(['board']);
    const removed = await board.delete(`/api/members/${m.id}/groups/board`);
    expect(removed.status).toBe(200);
    expect(removed.body.groups).toEqual([]);
    const groupChanges = (await historyOf(m.id)).filter((r) => r.kind === 'group').flatMap((r) => r.changes);
    expect(groupChanges).toEqual([
      { field: 'groups', old: null, new: '+board' },
      { field: 'groups', old: '-board', new: null },
    ]);
  });

  it('answers 404 for an unknown group', async () => {
    const m = await makeMember(t);
    const res = await board.put(`/api/members/${m.id}/groups/no-such-group`);
    expect(res.status).toBe(404);
  });

  it('the board may not add anyone to the admins group; the admin may', async () => {
    const m = await makeMember(t);
    const byBoard = await board.put(`/api/members/${m.id}/groups/admins`);
    expect(byBoard.status).toBe(403);
    expect((await board.get(`/api/members/${m.id}`)).body.groups).toEqual([]);
    const byAdmin = await admin.put(`/api/members/${m.id}/groups/admins`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.groups).toEqual(['admins']);
    expect((await board.delete(`/api/members/${m.id}/groups/admins`)).status).toBe(403);
    expect((await admin.delete(`/api/members/${m.id}/groups/admins`)).status).toBe(200);
  });

  it('refuses to remove the last admin', async () => {
    // The admin from beforeAll is the only one left after the previous test.
    const res = await admin.delete(`/api/members/${admin.member.id}/groups/admins`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/last admin/);
    expect((await admin.get('/api/me')).body.role).toBe('admin');
  });

  it('refuses to suspend the last admin or record their exit', async () => {
    for (const state of ['suspended', 'left']) {
      const res = await board.post(`/api/members/${admin.member.id}/state`).send({ state });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/last admin/);
    }
    expect((await admin.get('/api/me')).body.state).toBe('active');
  });

  // Last in the file: if this fails, no admin is left for anything after it.
  it('an admin who has left does not count: the last active admin cannot be removed', async () => {
    const gone = await makeMember(t, { firstName: 'Ehemalige', lastName: 'Adminin' });
    expect((await admin.put(`/api/members/${gone.id}/groups/admins`)).status).toBe(200);
    expect((await board.post(`/api/members/${gone.id}/state`).send({ state: 'left' })).status).toBe(200);
    const res = await admin.delete(`/api/members/${admin.member.id}/groups/admins`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/last admin/);
    expect((await admin.get('/api/me')).body.role).toBe('admin');
  });
});
