import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailReconciler } from '../../src/mail/mail.reconciler.js';
import { createTestApp, loginAs, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';

// The mail tables and the views Postfix and Dovecot read, driven through the API and the reconciler.
let t: TestApp;
let board: Awaited<ReturnType<typeof loginAs>>;

beforeAll(async () => {
  t = await createTestApp({ ALLMENDE_MAIL_DOMAIN: 'club.example', ALLMENDE_MAIL_GRACE_DAYS: '14' });
  board = await loginAs(t, 'board');
});
afterAll(() => t.close());

const q = <T>(sql: string, params: unknown[] = []) => t.orm.em.fork().execute<T[]>(sql, params);
const reconcile = () => t.app.get(MailReconciler).run('test');
const mailboxes = () =>
  q<{ address: string; maildir: string }>(`select * from mail_virtual_mailboxes order by address`);
const aliasesOf = async (source: string) =>
  (
    await q<{ destination: string }>(
      `select destination from mail_virtual_aliases where source = ? order by destination`,
      [source],
    )
  ).map((r) => r.destination);
const dovecot = (user: string) =>
  q<{ user: string; password: string | null; maildir: string }>(`select * from mail_dovecot_users where "user" = ?`, [
    user,
  ]);

let n = 0;
async function mailMember(choices: Record<string, boolean> = {}, extra: Record<string, unknown> = {}) {
  n++;
  const m = await makeMember(t, {
    memberNumber: `${5000 + n}`,
    privateEmail: `m${n}@private.example`,
    password: PASSWORD,
    state: 'active',
    ...extra,
  });
  const res = await board.patch(`/api/members/${m.id}/mail`).send({ namedAddress: true, ...choices });
  expect(res.status).toBe(204);
  return { ...m, privateEmail: `m${n}@private.example`, number: `${5000 + n}` };
}

describe('derived rows', () => {
  it('gives a member the named mailbox, the pseudonym as alias, forwarding with a copy, and Dovecot logins', async () => {
    const m = await mailMember({ pseudonymousAddress: true, forwardToPrivate: true });
    await reconcile();
    const named = `${m.username}@club.example`;
    expect(await mailboxes()).toContainEqual({ address: named, maildir: `club.example/${m.username}/` });
    expect(await aliasesOf(`mitglied-${m.number}@club.example`)).toEqual([named]);
    expect(await aliasesOf(named)).toEqual([m.privateEmail, named].sort());
    for (const login of [m.username, named]) {
      const [row] = await dovecot(login);
      expect(row?.password).toMatch(/^\{ARGON2ID\}\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    }
    expect((await reconcile()).counts).toEqual({});
  });

  it('takes login away at once on suspension, keeps receiving through the grace period, then bounces', async () => {
    const m = await mailMember();
    await reconcile();
    const named = `${m.username}@club.example`;
    expect((await board.post(`/api/members/${m.id}/state`).send({ state: 'suspended' })).status).toBe(200);
    expect((await dovecot(m.username))[0]?.password).toBeNull(); // before any reconcile: the view reads the member
    await reconcile();
    expect((await mailboxes()).map((b) => b.address)).toContain(named);
    const [box] = await q<{ receive_until: string }>(`select receive_until from mailbox where address = ?`, [named]);
    expect(new Date(box?.receive_until ?? 0).getTime()).toBeGreaterThan(Date.now() + 13 * 86400_000);

    await q(`update mailbox set receive_until = now() - interval '1 second' where address = ?`, [named]);
    expect((await mailboxes()).map((b) => b.address)).not.toContain(named);
    expect(await dovecot(m.username)).toEqual([]);
    await reconcile();
    expect(await q(`select id from mailbox where address = ?`, [named])).toEqual([]);
  });

  it('keeps a renamed member’s old named address as an alias to the new one', async () => {
    const m = await mailMember();
    await reconcile();
    expect((await board.post(`/api/members/${m.id}/username`).send({ username: `neu.${n}` })).status).toBe(200);
    await reconcile();
    expect((await mailboxes()).map((b) => b.address)).toContain(`neu.${n}@club.example`);
    expect(await aliasesOf(`${m.username}@club.example`)).toEqual([`neu.${n}@club.example`]);
    // The maildir stays where the mail is.
    expect((await dovecot(`neu.${n}`))[0]?.maildir).toBe(`club.example/${m.username}/`);
  });

  it('follows a member change within seconds without anyone asking', async () => {
    const m = await mailMember();
    const named = `${m.username}@club.example`;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(await mailboxes()).some((b) => b.address === named)) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await mailboxes()).map((b) => b.address)).toContain(named);
  });
});

describe('team addresses', () => {
  it('forward to the group’s active members (named address, else private) and follow membership', async () => {
    const a = await mailMember();
    const b = await mailMember({ namedAddress: false, forwardToPrivate: true });
    const group = await board.post('/api/groups').send({ slug: `team${n}`, name: 'Team' });
    expect(group.status).toBe(201);
    const team = `team${n}@club.example`;
    expect((await board.put(`/api/groups/team${n}/mail-address`).send({ address: team.toUpperCase() })).body).toEqual({
      slug: `team${n}`,
      mailAddress: team,
    });
    const empty = await reconcile();
    expect(empty.problems).toContainEqual({ subject: `group:team${n}`, message: expect.stringMatching(/bounces/) });

    for (const m of [a, b]) expect((await board.put(`/api/members/${m.id}/groups/team${n}`)).status).toBe(200);
    await reconcile();
    expect(await aliasesOf(team)).toEqual([`${a.username}@club.example`, b.privateEmail].sort());
    await board.delete(`/api/members/${b.id}/groups/team${n}`);
    await reconcile();
    expect(await aliasesOf(team)).toEqual([`${a.username}@club.example`]);
  });
});

describe('manual rows and bad input', () => {
  it('makes functional mailboxes and aliases in managed domains only', async () => {
    expect((await board.post('/api/mail/domains').send({ name: 'Verein.Example' })).body).toEqual({
      name: 'verein.example',
    });
    const box = await board
      .post('/api/mail/mailboxes')
      .send({ address: 'Info@Verein.example', password: 'Schatzmeisterin Kasse 2026', quotaMb: 500 });
    expect(box.status).toBe(201);
    expect(box.body).toMatchObject({
      address: 'info@verein.example',
      origin: 'manual',
      login: 'info@verein.example',
      quotaMb: 500,
    });
    expect((await dovecot('info@verein.example'))[0]?.password).toMatch(/^\{ARGON2ID\}/);
    const [quota] = await q<{ quota_bytes: string }>(
      `select quota_bytes from mail_dovecot_users where "user" = 'info@verein.example'`,
    );
    expect(Number(quota?.quota_bytes)).toBe(500 * 1048576);

    const notManaged = await board
      .post('/api/mail/aliases')
      .send({ source: 'x@elsewhere.example', destination: 'info@verein.example' });
    expect(notManaged.status).toBe(400);
    expect(notManaged.body.error.message).toMatch(/not a mail domain allmende manages/);
  });

  it('refuses taken addresses, loops, bad local parts and Unicode — and changes nothing', async () => {
    const m = await mailMember();
    await reconcile();
    const named = `${m.username}@club.example`;
    const before = await q(`select count(*)::int as n from mail_alias`);
    const taken = await board
      .post('/api/mail/mailboxes')
      .send({ address: named, password: 'Schatzmeisterin Kasse 2026' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toMatch(/member's mailbox/);
    expect((await board.post('/api/mail/aliases').send({ source: named, destination: 'x@y.example' })).status).toBe(
      409,
    );

    expect(
      (await board.post('/api/mail/aliases').send({ source: 'a@club.example', destination: 'b@club.example' })).status,
    ).toBe(201);
    expect(
      (await board.post('/api/mail/aliases').send({ source: 'b@club.example', destination: 'c@club.example' })).status,
    ).toBe(201);
    const loop = await board
      .post('/api/mail/aliases')
      .send({ source: 'c@club.example', destination: 'a@club.example' });
    expect(loop.status).toBe(400);
    expect(loop.body.error.fields[0].message).toBe(
      'would make a loop: c@club.example → a@club.example → b@club.example → c@club.example',
    );

    for (const [address, problem] of [
      ['jürgen@club.example', /ASCII/],
      ['.dot@club.example', /before @/],
      ['two..dots@club.example', /before @/],
      ['no-at-sign', /like name@example.org/],
    ] as const) {
      const res = await board.post('/api/mail/aliases').send({ source: address, destination: 'b@club.example' });
      expect(res.status, address).toBe(400);
      expect(res.body.error.fields[0].message, address).toMatch(problem);
    }
    const after = await q(`select count(*)::int as n from mail_alias`);
    expect((after[0] as { n: number }).n).toBe((before[0] as { n: number }).n + 2);
  });

  it('never lets the reconciler take over a manual address, and says so', async () => {
    await board
      .post('/api/mail/aliases')
      .send({ source: `reserved${n + 1}@club.example`, destination: 'ext@other.example' });
    // A member whose username is that local part.
    const m = await makeMember(t, { firstName: 'X', lastName: 'Y', password: PASSWORD, state: 'active' });
    await board.post(`/api/members/${m.id}/username`).send({ username: `reserved${n + 1}` });
    await board.patch(`/api/members/${m.id}/mail`).send({ namedAddress: true });
    const run = await reconcile();
    expect(run.problems).toContainEqual({
      subject: `member:${m.id}`,
      message: expect.stringMatching(/manual mailbox or alias/),
    });
    expect(await aliasesOf(`reserved${n + 1}@club.example`)).toEqual(['ext@other.example']);
  });

  it('refuses to delete a member’s derived rows by hand', async () => {
    const m = await mailMember({ forwardToPrivate: true });
    await reconcile();
    const [alias] = (await board.get(`/api/mail/aliases?source=${m.username}@club.example`)).body as { id: number }[];
    const res = await board.delete(`/api/mail/aliases/${alias?.id ?? 0}`);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/derived from a member/);
  });
});
