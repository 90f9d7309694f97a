import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth.service.js';
import { systemActor } from '../../src/core/actor.js';
import { MembersService } from '../../src/members/members.service.js';
import { SyncWorker } from '../../src/sync/sync.worker.js';
import { wikiLocalSettings } from '../../src/wiki-sync/wiki-config.js';
import { MEDIAWIKI_PROGRAMS, MediaWikiLab, sleep } from '../support/lab-services.js';
import { describeLab } from '../support/lab.js';
import { createTestApp, loginAs, makeMember, PASSWORD, runTarget, type TestApp } from '../support/test-app.js';

// Against Debian's real MediaWiki 1.39 on MariaDB, logged into through its own api.php.
describeLab('mediawiki', MEDIAWIKI_PROGRAMS, () => {
  let wiki: MediaWikiLab;
  let t: TestApp;
  let board: Awaited<ReturnType<typeof loginAs>>;
  let karl: { id: number };

  async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(100);
    }
    throw new Error(`not within ${ms} ms: ${what}`);
  }

  async function hashOf(id: number): Promise<string> {
    const [row] = await t.orm.em
      .fork()
      .execute<{ password_hash: string }[]>('select password_hash from member where id = ?', [id]);
    return row?.password_hash ?? '';
  }

  async function setPassword(id: number, password: string): Promise<void> {
    await t.orm.em.fork().transactional(async (em) => {
      const m = await t.app.get(MembersService).requireMember(em, id);
      await t.app.get(AuthService).setPassword(em, systemActor('test'), m, password);
    });
  }

  beforeAll(async () => {
    const settings = wikiLocalSettings({
      clubName: 'Labverein',
      wiki: {
        databaseUrl: '',
        tablePrefix: '',
        groups: [['board', 'sysop']],
        userName: 'display_name',
        cron: '* * * * *',
      },
    });
    wiki = await MediaWikiLab.create(settings);
    wiki.createUser('Rosa Luxemburg', 'the wiki admins own password 123');
    t = await createTestApp({
      ALLMENDE_WIKI_DATABASE_URL: wiki.databaseUrl,
      ALLMENDE_WIKI_GROUPS: 'board=sysop',
      ALLMENDE_SYNC_DEBOUNCE_MS: '100',
    });
    board = await loginAs(t, 'board', { firstName: 'Clara', lastName: 'Zetkin' });
    karl = await makeMember(t, { firstName: 'Karl', lastName: 'Liebknecht', password: PASSWORD, state: 'active' });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await wiki?.destroy();
  }, 60_000);

  it('an active member logs into the wiki with their one password; a wrong one fails; the hash stays as allmende wrote it', async () => {
    await until('Karl has a wiki user', () => wiki.user('Karl Liebknecht') !== null);
    const hash = await hashOf(karl.id);
    expect(wiki.user('Karl Liebknecht')?.password).toBe(`:argon2:${hash}`);
    expect(wiki.user('Karl Liebknecht')?.realName).toBe('Karl Liebknecht');

    expect((await wiki.clientLogin('Karl Liebknecht', PASSWORD)).status).toBe('PASS');
    expect((await wiki.clientLogin('Karl Liebknecht', 'not the password at all')).status).toBe('FAIL');
    // Same cost parameters in LocalSettings: MediaWiki does not rewrite the hash on login.
    expect(wiki.user('Karl Liebknecht')?.password).toBe(`:argon2:${hash}`);
  });

  it('the board group maps to sysop', async () => {
    await until('Clara is a sysop', () => wiki.user('Clara Zetkin')?.groups.includes('sysop') === true);
    expect((await wiki.clientLogin('Clara Zetkin', PASSWORD)).status).toBe('PASS');
  });

  it('after a password change the new password works and the old one does not', async () => {
    const before = wiki.user('Karl Liebknecht');
    await setPassword(karl.id, 'ein ganz neues langes Passwort');
    await until(
      'the new hash reached the wiki',
      async () => wiki.user('Karl Liebknecht')?.password === `:argon2:${await hashOf(karl.id)}`,
    );
    expect(wiki.user('Karl Liebknecht')?.token).not.toBe(before?.token);
    expect((await wiki.clientLogin('Karl Liebknecht', 'ein ganz neues langes Passwort')).status).toBe('PASS');
    expect((await wiki.clientLogin('Karl Liebknecht', PASSWORD)).status).toBe('FAIL');
  });

  it('an existing wiki user with a member’s name is reported, not overwritten; a name MediaWiki refuses is reported', async () => {
    const rosa = wiki.user('Rosa Luxemburg');
    await makeMember(t, { firstName: 'Rosa', lastName: 'Luxemburg', password: PASSWORD, state: 'active' });
    await makeMember(t, { firstName: 'Jakob', lastName: 'Huber [Kasse]', password: PASSWORD, state: 'active' });
    await t.app.get(SyncWorker).idle();
    const run = await runTarget(board, 'mediawiki');
    expect(run.body.status).toBe('partial');
    const messages = run.body.errors.map((e: { item: string; message: string }) => `${e.item}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Rosa Luxemburg: wiki user "Rosa Luxemburg" already exists/),
        expect.stringMatching(/Jakob Huber \[Kasse\].*MediaWiki does not allow "\["/),
      ]),
    );
    expect(wiki.user('Rosa Luxemburg')).toEqual(rosa);
    expect((await wiki.clientLogin('Rosa Luxemburg', 'the wiki admins own password 123')).status).toBe('PASS');
  });

  it('after the exit the login fails, the sessions are invalidated and the user is blocked', async () => {
    const before = wiki.user('Karl Liebknecht');
    expect((await board.post(`/api/members/${karl.id}/state`).send({ state: 'left' })).status).toBe(200);
    await until('Karl is blocked', () => wiki.user('Karl Liebknecht')?.blocked === true);
    const after = wiki.user('Karl Liebknecht');
    expect(after?.password).toBe('');
    expect(after?.token).not.toBe(before?.token);
    expect(after?.realName).toBe('');
    expect(after?.email).toBe('');
    expect((await wiki.clientLogin('Karl Liebknecht', 'ein ganz neues langes Passwort')).status).toBe('FAIL');
  });

  it('when MariaDB goes away the run fails; once it is back the next run converges', async () => {
    await t.app.get(SyncWorker).idle();
    await wiki.stopDatabase();
    const m = await makeMember(t, { firstName: 'August', lastName: 'Bebel', password: PASSWORD, state: 'active' });
    const run = await runTarget(board, 'mediawiki');
    expect(run.body.status).toBe('failed');
    expect(run.body.error).toMatch(/wiki database unreachable/);
    await wiki.startDatabase();
    await until('August has a wiki user', () => wiki.user('August Bebel') !== null, 60_000).catch(
      async (err: unknown) => {
        console.log(JSON.stringify((await board.get('/api/sync/mediawiki/runs?limit=10')).body, null, 1));
        throw err;
      },
    );
    expect((await wiki.clientLogin('August Bebel', PASSWORD)).status).toBe('PASS');
    expect(m.id).toBeGreaterThan(0);
  }, 90_000);
});
