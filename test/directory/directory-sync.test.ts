import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { DirectorySyncTarget } from '../../src/directory/directory-sync.target.js';
import { FakeLdapClient } from '../../src/directory/ldap.client.fake.js';
import { SyncRegistry } from '../../src/sync/sync-registry.js';
import { SyncWorker } from '../../src/sync/sync.worker.js';
import { createTestApp, loginAs, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';

const BASE = 'dc=club,dc=example';

// The directory target on a real PostgreSQL with an in-memory directory: what the board sees in
// the dry run and the run, without slapd (the lab test has the real one).
describe('directory target', () => {
  let t: TestApp;
  let fake: FakeLdapClient;
  let board: Awaited<ReturnType<typeof loginAs>>;

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_SYNC_DEBOUNCE_MS: '50' });
    fake = new FakeLdapClient(BASE);
    // Down until the dry run has been looked at: nothing may be written before.
    fake.down = true;
    const ldap = parseConfig({
      ALLMENDE_LDAP_URL: 'ldap://127.0.0.1:1',
      ALLMENDE_LDAP_BASE: BASE,
      ALLMENDE_LDAP_BIND_PASSWORD: 'x',
      ALLMENDE_LDAP_CRON: '0 3 * * *',
    }).ldap;
    if (!ldap) throw new Error('no ldap config');
    t.app.get(SyncRegistry).register(new DirectorySyncTarget(t.orm, fake, t.config, ldap));
    board = await loginAs(t, 'board', { firstName: 'Clara', lastName: 'Zetkin' });
    await makeMember(t, { firstName: 'Karl', lastName: 'Liebknecht', password: PASSWORD, state: 'active' });
    // Registered: no entry (no password, not active).
    await makeMember(t, { firstName: 'Rosa', lastName: 'Luxemburg' });
    await t.app.get(SyncWorker).idle();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('while the directory is down the target shows failing with the reason', async () => {
    const res = await board.get('/api/sync');
    expect(res.body).toEqual([
      expect.objectContaining({
        target: 'directory',
        health: 'failing',
        lastError: expect.stringMatching(/unreachable/),
      }),
    ]);
  });

  it('the dry run lists the entries a run would make and writes nothing', async () => {
    fake.down = false;
    const plan = await board.get('/api/sync/directory/plan');
    expect(plan.status).toBe(200);
    expect(plan.body.counts).toEqual({ create: 2, 'create-group': 3 });
    expect(plan.body.actions.map((a: { description: string }) => a.description)).toEqual(
      expect.arrayContaining([
        `create uid=karl.liebknecht,ou=people,${BASE} (Karl Liebknecht)`,
        `create group cn=board,ou=groups,${BASE} (1 member(s))`,
        `create group cn=helpers,ou=groups,${BASE} (no members)`,
      ]),
    );
    expect(fake.entries.size).toBe(0);
  });

  it('a run makes them, and a second run finds nothing to do', async () => {
    const run = await board.post('/api/sync/directory/run');
    expect(run.body).toMatchObject({ status: 'ok', counts: { create: 2, 'create-group': 3 } });
    const karl = fake.entries.get(`uid=karl.liebknecht,ou=people,${BASE}`);
    expect(karl?.attributes.userPassword?.[0]).toMatch(/^\{ARGON2\}\$argon2id\$/);
    expect(karl?.attributes.objectClass).toEqual(['top', 'person', 'organizationalPerson', 'inetOrgPerson']);
    expect(fake.entries.has(`uid=rosa.luxemburg,ou=people,${BASE}`)).toBe(false);
    const again = await board.post('/api/sync/directory/run');
    expect(again.body).toMatchObject({ status: 'ok', counts: {} });
    expect((await board.get('/api/sync')).body).toEqual([
      expect.objectContaining({ target: 'directory', health: 'ok' }),
    ]);
  });
});
