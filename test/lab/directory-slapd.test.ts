import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth.service.js';
import { systemActor } from '../../src/core/actor.js';
import { hashPassword } from '../../src/core/crypto.util.js';
import { baseLdif, slapdConf } from '../../src/directory/slapd-config.js';
import { MembersService } from '../../src/members/members.service.js';
import { SyncWorker } from '../../src/sync/sync.worker.js';
import { sleep } from '../support/lab-services.js';
import { describeLab } from '../support/lab.js';
import { SLAPD_PROGRAMS, SlapdLab } from '../support/slapd-lab.js';
import { createTestApp, loginAs, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';

const BASE = 'dc=club,dc=example';
const WRITER = { dn: `cn=allmende,${BASE}`, password: 'the writer password of the lab' };
const READER = { dn: `cn=reader,${BASE}`, password: 'the reader password of the lab' };
const people = `ou=people,${BASE}`;
const dnOf = (uid: string) => `uid=${uid},${people}`;

// Entries of ldapsearch -LLL output: attribute → values, base64 (`::`) decoded.
function parseLdif(out: string): Record<string, string[]>[] {
  return out
    .split(/\n\n+/)
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const entry: Record<string, string[]> = {};
      for (const line of block.split('\n')) {
        const m = /^([^:]+)(::?) ?(.*)$/.exec(line);
        if (!m?.[1]) continue;
        const value = m[2] === '::' ? Buffer.from(m[3] ?? '', 'base64').toString('utf8') : (m[3] ?? '');
        (entry[m[1]] ??= []).push(value);
      }
      return entry;
    });
}

// Against Debian's slapd started from the config `allmende directory config` generates.
describeLab('directory (slapd)', SLAPD_PROGRAMS, () => {
  let slapd: SlapdLab;
  let t: TestApp;
  let board: Awaited<ReturnType<typeof loginAs>>;
  let karl: { id: number; username: string };

  async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(100);
    }
    throw new Error(`not within ${ms} ms: ${what}`);
  }

  const entry = (uid: string) => parseLdif(slapd.search(WRITER, people, `(uid=${uid})`, ['*']).out)[0];
  const groupMembers = (cn: string) =>
    parseLdif(slapd.search(READER, `cn=${cn},ou=groups,${BASE}`, '(objectClass=*)', ['member']).out)[0]?.member ?? [];

  beforeAll(async () => {
    const paths = SlapdLab.paths();
    const conf = slapdConf({
      base: BASE,
      writerDn: WRITER.dn,
      readerDn: READER.dn,
      dataDir: paths.dataDir,
      runDir: paths.runDir,
    });
    const ldif = baseLdif({
      base: BASE,
      organization: 'Labverein für Prüfungen',
      writerDn: WRITER.dn,
      writerPassword: `{ARGON2}${await hashPassword(WRITER.password)}`,
      readerDn: READER.dn,
      readerPassword: `{ARGON2}${await hashPassword(READER.password)}`,
    });
    slapd = await SlapdLab.create(paths, conf, ldif);
    // Someone else's entry, made by hand before allmende ever ran.
    slapd.modify(
      WRITER,
      `dn: uid=hausmeister,${people}\nobjectClass: inetOrgPerson\nuid: hausmeister\ncn: Hausmeister\nsn: Meister\n`,
      true,
    );
    t = await createTestApp({
      ALLMENDE_LDAP_URL: slapd.url,
      ALLMENDE_LDAP_BASE: BASE,
      ALLMENDE_LDAP_BIND_PASSWORD: WRITER.password,
      ALLMENDE_MAIL_DOMAIN: 'club.example',
      ALLMENDE_SYNC_DEBOUNCE_MS: '100',
      ALLMENDE_LDAP_TIMEOUT_MS: '3000',
    });
    board = await loginAs(t, 'board', { firstName: 'Clara', lastName: 'Zetkin' });
    karl = await makeMember(t, {
      firstName: 'Karl',
      lastName: 'Liebknecht',
      privateEmail: 'karl@private.example',
      password: PASSWORD,
      state: 'active',
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await slapd?.destroy();
  }, 60_000);

  it('after a sync a member binds with their one password; a wrong one gives 49', async () => {
    await until('Karl has an entry', () => entry(karl.username) !== undefined);
    const ok = slapd.whoami(dnOf(karl.username), PASSWORD);
    expect(ok.status).toBe(0);
    expect(ok.out).toBe(`dn:${dnOf(karl.username)}`);
    expect(slapd.whoami(dnOf(karl.username), 'not the password at all').status).toBe(49);

    const e = entry(karl.username);
    expect(e?.cn).toEqual(['Karl Liebknecht']);
    expect(e?.sn).toEqual(['Liebknecht']);
    expect(e?.givenName).toEqual(['Karl']);
    expect(e?.userPassword?.[0]).toMatch(/^\{ARGON2\}\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    // Without a club address, the private one; once the member has one, the club address.
    expect(e?.mail).toEqual(['karl@private.example']);
    await t.orm.em.fork().execute('update member set wants_named_address = true where id = ?', [karl.id]);
    await until('Karl’s club address', () => entry(karl.username)?.mail?.[0] === `${karl.username}@club.example`);
  });

  it('groups list their members; an empty group holds the empty DN', async () => {
    await until('Clara is in board', () => groupMembers('board').includes(dnOf(board.member.username)));
    expect(groupMembers('board')).toEqual([dnOf(board.member.username)]);
    // Nobody is in helpers: groupOfNames needs a member, the empty DN names nobody.
    expect(groupMembers('helpers')).toEqual(['']);
    expect((await board.put(`/api/members/${karl.id}/groups/helpers`)).status).toBeLessThan(300);
    await until('Karl is in helpers', () => groupMembers('helpers').includes(dnOf(karl.username)));
    expect(groupMembers('helpers')).toEqual([dnOf(karl.username)]);

    // A new group appears at once, its name (with special characters) as a second cn.
    const created = await board.post('/api/groups').send({ slug: 'kasse', name: 'Kasse, "Geld" <&> #1' });
    expect(created.status).toBeLessThan(300);
    await until('kasse exists', () => slapd.search(READER, `ou=groups,${BASE}`, '(cn=kasse)').out !== '');
    const kasse = parseLdif(slapd.search(READER, `ou=groups,${BASE}`, '(cn=kasse)', ['cn', 'member']).out)[0];
    expect(kasse?.cn).toEqual(['kasse', 'Kasse, "Geld" <&> #1']);
    expect(kasse?.member).toEqual(['']);
  });

  it('the reader searches but never sees a password; anonymous binds are refused', () => {
    const found = parseLdif(slapd.search(READER, people, `(uid=${karl.username})`, ['*', 'userPassword']).out);
    expect(found[0]?.uid).toEqual([karl.username]);
    expect(found[0]?.userPassword).toBeUndefined();
    expect(slapd.search(null, people, '(uid=*)').status).not.toBe(0);
    // A member sees their own entry, not their password either.
    const self = parseLdif(
      slapd.search({ dn: dnOf(karl.username), password: PASSWORD }, dnOf(karl.username), '(objectClass=*)', [
        'userPassword',
        'cn',
      ]).out,
    );
    expect(self[0]?.cn).toEqual(['Karl Liebknecht']);
    expect(self[0]?.userPassword).toBeUndefined();
  });

  it('a name with , + " \\ < > ; = and a leading # round-trips and binds', async () => {
    const odd = await makeMember(t, {
      firstName: '#Kalle "K" <a+b>',
      lastName: 'Müller, Jr.; x=y\\z',
      password: PASSWORD,
      state: 'active',
    });
    await until('the odd name has an entry', () => entry(odd.username) !== undefined);
    const e = entry(odd.username);
    expect(e?.cn).toEqual(['#Kalle "K" <a+b> Müller, Jr.; x=y\\z']);
    expect(e?.givenName).toEqual(['#Kalle "K" <a+b>']);
    expect(e?.sn).toEqual(['Müller, Jr.; x=y\\z']);
    expect(slapd.whoami(dnOf(odd.username), PASSWORD).status).toBe(0);
  });

  it('an entry allmende did not make stays; one holding a member’s uid is reported, not overwritten', async () => {
    slapd.modify(
      WRITER,
      `dn: uid=rosa.luxemburg,${people}\nobjectClass: inetOrgPerson\nuid: rosa.luxemburg\ncn: Rosa (by hand)\nsn: L\nuserPassword: handmade\n`,
      true,
    );
    const rosa = await makeMember(t, { firstName: 'Rosa', lastName: 'Luxemburg', password: PASSWORD, state: 'active' });
    expect(rosa.username).toBe('rosa.luxemburg');
    await t.app.get(SyncWorker).idle();
    const run = await board.post('/api/sync/directory/run');
    expect(run.body.status).toBe('partial');
    expect(run.body.errors.map((e: { item: string; message: string }) => `${e.item}: ${e.message}`)).toEqual([
      expect.stringMatching(/^rosa\.luxemburg: uid=rosa\.luxemburg,ou=people,.* exists and was not made by allmende/),
    ]);
    expect(entry('rosa.luxemburg')?.cn).toEqual(['Rosa (by hand)']);
    expect(slapd.whoami(dnOf('rosa.luxemburg'), 'handmade').status).toBe(0);
    expect(entry('hausmeister')?.cn).toEqual(['Hausmeister']);
  });

  it('after a password change the new password binds and the old one does not', async () => {
    await t.orm.em.fork().transactional(async (em) => {
      const m = await t.app.get(MembersService).requireMember(em, karl.id);
      await t.app.get(AuthService).setPassword(em, systemActor('test'), m, 'ein ganz neues langes Passwort');
    });
    await until(
      'the new password binds',
      () => slapd.whoami(dnOf(karl.username), 'ein ganz neues langes Passwort').status === 0,
    );
    expect(slapd.whoami(dnOf(karl.username), PASSWORD).status).toBe(49);
  });

  it('after suspension and after exit the entry is gone and the bind fails', async () => {
    const august = await makeMember(t, { firstName: 'August', lastName: 'Bebel', password: PASSWORD, state: 'active' });
    await until('August has an entry', () => entry(august.username) !== undefined);
    expect((await board.post(`/api/members/${august.id}/state`).send({ state: 'suspended' })).status).toBe(200);
    await until('August’s entry is gone', () => entry(august.username) === undefined);
    expect(slapd.whoami(dnOf(august.username), PASSWORD).status).toBe(49);

    expect((await board.post(`/api/members/${karl.id}/state`).send({ state: 'left' })).status).toBe(200);
    await until('Karl’s entry is gone', () => entry(karl.username) === undefined);
    expect(slapd.whoami(dnOf(karl.username), 'ein ganz neues langes Passwort').status).toBe(49);
    await until('Karl left helpers', () => !groupMembers('helpers').includes(dnOf(karl.username)));
    expect(groupMembers('helpers')).toEqual(['']);
  });

  it('when slapd is down the run fails and the target shows failing; after the restart it converges', async () => {
    await t.app.get(SyncWorker).idle();
    await slapd.stop();
    const jenny = await makeMember(t, { firstName: 'Jenny', lastName: 'Marx', password: PASSWORD, state: 'active' });
    const run = await board.post('/api/sync/directory/run');
    expect(run.body.status).toBe('failed');
    expect(run.body.error).toMatch(/directory unreachable/);
    const status = await board.get('/api/sync');
    expect(status.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ target: 'directory', health: 'failing' })]),
    );
    await slapd.start();
    await until('Jenny has an entry', () => entry(jenny.username) !== undefined, 60_000);
    expect(slapd.whoami(dnOf(jenny.username), PASSWORD).status).toBe(0);
  }, 90_000);

  it('a base DN that does not exist fails the run with a clear error', async () => {
    const other = await createTestApp({
      ALLMENDE_LDAP_URL: slapd.url,
      ALLMENDE_LDAP_BASE: 'dc=nowhere,dc=example',
      ALLMENDE_LDAP_BIND_DN: WRITER.dn,
      ALLMENDE_LDAP_BIND_PASSWORD: WRITER.password,
    });
    try {
      const admin = await loginAs(other, 'admin');
      const run = await admin.post('/api/sync/directory/run');
      expect(run.body.status).toBe('failed');
      expect(run.body.error).toMatch(/ou=people,dc=nowhere,dc=example does not exist in the directory/);
    } finally {
      await other.close();
    }
  });
});
