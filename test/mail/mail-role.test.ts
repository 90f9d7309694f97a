import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMailRole } from '../../src/mail/mail-role.js';
import { createTestApp, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';

// The role Postfix and Dovecot connect as, in a real PostgreSQL: it reads the views, nothing else.
let t: TestApp;
const ROLE = `mail_${Math.random().toString(36).slice(2, 8)}`;
const FIRST = 'Zm9vYmFyYmF6cXV1eDEyMzQ1Njc4';
const SECOND = 'c2Vjb25kLXBhc3N3b3JkLTEyMzQ=';

function connectAs(password: string): pg.Client {
  const url = new URL(t.url);
  url.username = ROLE;
  url.password = password;
  return new pg.Client({ connectionString: url.toString() });
}

async function asRole<T>(password: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = connectAs(password);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  t = await createTestApp();
  const m = await makeMember(t, { password: PASSWORD, state: 'active' });
  const em = t.orm.em.fork();
  await em.execute(`insert into mail_domain (name, created_at) values ('example.org', now())`);
  await em.execute(
    `insert into mailbox (address, domain_id, origin, member_id, login, maildir, created_at, updated_at)
     select ?, id, 'member', ?, ?, ?, now(), now() from mail_domain`,
    [`${m.username}@example.org`, m.id, m.username, `example.org/${m.username}/`],
  );
});

afterAll(async () => {
  await t?.close();
});

describe('allmende mail role', () => {
  it('creates a login role that reads the four views', async () => {
    const r = await ensureMailRole(t.orm.em.fork(), ROLE, FIRST);
    expect(r.created).toBe(true);
    const rows = await asRole(FIRST, async (c) => ({
      domains: (await c.query('select domain from mail_virtual_domains')).rows,
      mailboxes: (await c.query('select count(*)::int as n from mail_virtual_mailboxes')).rows,
      aliases: (await c.query('select count(*)::int as n from mail_virtual_aliases')).rows,
      users: (await c.query('select "user", password from mail_dovecot_users')).rows as {
        user: string;
        password: string;
      }[],
    }));
    expect(rows.domains).toEqual([{ domain: 'example.org' }]);
    expect(rows.mailboxes).toEqual([{ n: 1 }]);
    expect(rows.aliases).toEqual([{ n: 0 }]);
    expect(rows.users).toHaveLength(2);
    expect(rows.users[0]?.password).toMatch(/^\{ARGON2ID\}\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
  });

  it('is refused the tables behind them and cannot write', async () => {
    await asRole(FIRST, async (c) => {
      await expect(c.query('select * from member')).rejects.toThrow(/permission denied/);
      await expect(c.query('select * from mailbox')).rejects.toThrow(/permission denied/);
      await expect(c.query('select * from session')).rejects.toThrow(/permission denied/);
      await expect(c.query('create table mine (x int)')).rejects.toThrow(/read-only transaction|permission denied/);
      await expect(c.query(`delete from mail_virtual_domains`)).rejects.toThrow(/read-only|permission denied/);
    });
  });

  it('running it again sets the new password and takes back other grants', async () => {
    const em = t.orm.em.fork();
    await em.execute(`grant select on member to ${ROLE}`);
    const r = await ensureMailRole(em, ROLE, SECOND);
    expect(r.created).toBe(false);
    await expect(asRole(FIRST, (c) => c.query('select 1'))).rejects.toThrow(/password authentication failed/);
    await asRole(SECOND, async (c) => {
      expect((await c.query('select count(*)::int as n from mail_virtual_domains')).rows).toEqual([{ n: 1 }]);
      await expect(c.query('select * from member')).rejects.toThrow(/permission denied/);
    });
  });

  it('refuses unsafe names and passwords, and never touches allmende’s own role', async () => {
    const em = t.orm.em.fork();
    await expect(ensureMailRole(em, 'x; drop table member', FIRST)).rejects.toThrow(/name/);
    await expect(ensureMailRole(em, ROLE, "it's short")).rejects.toThrow(/password/);
    const [me] = await em.execute<{ me: string }[]>('select current_user as me');
    await expect(ensureMailRole(em, me?.me ?? 'postgres', FIRST)).rejects.toThrow(
      /allmende itself connects as|superuser/,
    );
  });
  it('says what is missing when allmende’s database user may not create roles', async () => {
    const em = t.orm.em.fork();
    const weak = `${ROLE}_weak`;
    await em.execute(`create role ${weak} login password 'd2Vhay1yb2xlLXBhc3N3b3Jk'`);
    await em.execute(`grant select on mail_virtual_domains to ${weak}`);
    await expect(
      em.transactional(async (tx) => {
        await tx.execute(`set local role ${weak}`);
        await ensureMailRole(tx, `${ROLE}_other`, FIRST);
      }),
    ).rejects.toThrow(/needs CREATEROLE/);
  });
});
