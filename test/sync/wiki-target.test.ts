import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncEngine } from '../../src/sync/sync-engine.service.js';
import { SyncRegistry } from '../../src/sync/sync-registry.js';
import { SyncWorker } from '../../src/sync/sync.worker.js';
import { MediaWikiClient } from '../../src/wiki-sync/mediawiki.client.js';
import { FakeMediaWikiClient } from '../../src/wiki-sync/mediawiki.client.fake.js';
import { WikiSyncTarget } from '../../src/wiki-sync/wiki-sync.target.js';
import { createTestApp, loginAs, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';

// The wiki target's reading of the member register, with an in-memory wiki (the lab test runs
// the same against MariaDB + MediaWiki).
describe('wiki target on the member register', () => {
  let t: TestApp;
  let wiki: FakeMediaWikiClient;

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_MAIL_DOMAIN: 'example.org' });
    wiki = new FakeMediaWikiClient();
    const client: MediaWikiClient = wiki;
    t.app.get(SyncRegistry).register(
      new WikiSyncTarget(t.orm, client, t.config, {
        databaseUrl: '',
        tablePrefix: '',
        groups: [
          ['board', 'sysop'],
          ['board', 'bureaucrat'],
        ],
        userName: 'display_name',
        cron: '0 3 * * *',
      }),
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it('makes users for active members with a password only, with mapped groups and the preferred address', async () => {
    await loginAs(t, 'board', { firstName: 'Clara', lastName: 'Zetkin', privateEmail: 'clara@example.net' });
    await makeMember(t, { firstName: 'Ohne', lastName: 'Passwort', state: 'active' });
    await makeMember(t, { firstName: 'Noch', lastName: 'Eingeladen', password: PASSWORD });
    // The member changes trigger runs by themselves; wait for them, then run once more by hand.
    await t.app.get(SyncWorker).idle();
    const run = await t.app.get(SyncEngine).run('mediawiki', 'manual');
    expect(run).toMatchObject({ status: 'ok' });
    expect(wiki.users.size).toBe(1);
    const clara = wiki.byName('Clara Zetkin');
    expect(clara).toMatchObject({ realName: 'Clara Zetkin', email: 'clara@example.net' });
    expect(clara?.groups.sort()).toEqual(['bureaucrat', 'sysop']);
    expect(clara?.password).toMatch(/^:argon2:\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(wiki.byName('Ohne Passwort')).toBeUndefined();
    expect(wiki.byName('Noch Eingeladen')).toBeUndefined();
  });

  it('a wiki that is down fails the run as a whole', async () => {
    await t.app.get(SyncWorker).idle();
    wiki.down = true;
    const run = await t.app.get(SyncEngine).run('mediawiki', 'manual');
    wiki.down = false;
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('unreachable'), errors: [] });
    expect((await t.app.get(SyncEngine).run('mediawiki', 'manual')).status).toBe('ok');
  });
});
