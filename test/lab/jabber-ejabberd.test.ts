import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { client } from '@xmpp/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth.service.js';
import { systemActor } from '../../src/core/actor.js';
import { ejabberdExtauthConfig } from '../../src/jabber/jabber-config.js';
import { MembersService } from '../../src/members/members.service.js';
import { chownEjabberd, EJABBERDCTL, startEjabberd, type Ejabberd } from '../support/ejabberd.js';
import { describeLab } from '../support/lab.js';
import { createTestApp, loginAs, makeMember, type TestApp } from '../support/test-app.js';

// Debian's ejabberd 23.01 with `auth_method: external`, configured by `allmende jabber config
// ejabberd`, running `allmende jabber extauth` (the built dist/), which asks this test's allmende.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = join(ROOT, 'node_modules', 'node', 'bin', 'node');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const DOMAIN = 'jabber.allmende.test';
// Passes the policy, and has the protocol's separator in it.
const PASSWORD = 'Rote:Fahne:über:dem:Hackspace';

describeLab('ejabberd', [EJABBERDCTL], () => {
  let t: TestApp;
  let dir: string;
  let ejabberd: Ejabberd;

  // A real XMPP login (SASL PLAIN over TCP on loopback): true if the server let us in.
  async function xmppLogin(username: string, password: string): Promise<boolean> {
    const xmpp = client({
      service: `xmpp://127.0.0.1:${ejabberd.c2sPort}`,
      domain: DOMAIN,
      resource: 'lab',
      // @xmpp/client offers PLAIN only over TLS; the sandbox has none (loopback, no certificate),
      // and PLAIN is the one mechanism ejabberd has with external auth.
      // It also base64-encodes with btoa(), i.e. as Latin-1 ('ü' goes out as the byte FC, which
      // the program rightly refuses as not UTF-8): hand it the UTF-8 bytes as a binary string.
      credentials: (authenticate) =>
        authenticate({ username, password: Buffer.from(password, 'utf8').toString('latin1') }, 'PLAIN'),
    });
    xmpp.on('error', () => undefined);
    (xmpp as unknown as { reconnect?: { stop(): void } }).reconnect?.stop();
    try {
      await xmpp.start();
      return true;
    } catch (err) {
      const condition = (err as { condition?: string }).condition;
      if (condition === 'not-authorized') return false;
      throw err;
    } finally {
      await xmpp.stop().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_JABBER_DOMAIN: DOMAIN });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const admin = await loginAs(t, 'admin', { firstName: 'Jabber', lastName: 'Admin' });
    const created = await admin.post('/api/auth/tokens').send({ name: 'ejabberd', scopes: ['jabber:auth'] });
    expect(created.status).toBe(201);

    // ejabberd runs as its own user: everything it reads lies in a folder it can enter.
    dir = mkdtempSync(join(tmpdir(), 'allmende-ejabberd-'));
    chmodSync(dir, 0o755);
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, (created.body as { token: string }).token, { mode: 0o644 });
    const wrapper = join(dir, 'extauth.sh');
    const extauthLog = join(dir, 'extauth.log');
    writeFileSync(extauthLog, '');
    chownEjabberd(extauthLog);
    writeFileSync(
      wrapper,
      `#!/bin/sh\nexec ${NODE} ${MAIN} jabber extauth --url http://127.0.0.1:${port} --token-file ${tokenFile} 2>>${extauthLog}\n`,
      { mode: 0o755 },
    );
    ejabberd = await startEjabberd(dir, ejabberdExtauthConfig({ domain: DOMAIN, program: wrapper, poolSize: 1 }));
  }, 120_000);

  afterAll(async () => {
    await ejabberd?.stop();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('lets an active member in with the one password (colons and all), and not with a wrong one', async () => {
    const m = await makeMember(t, { firstName: 'Rosa', lastName: 'Luxemburg', password: PASSWORD, state: 'active' });
    expect(await xmppLogin(m.username, PASSWORD)).toBe(true);
    expect(await xmppLogin(m.username, 'Rote:Fahne:über:dem:Hackspac')).toBe(false);
    expect(await xmppLogin('niemand', PASSWORD)).toBe(false);
  });

  it('keeps out a suspended and a departed member', async () => {
    const members = t.app.get(MembersService);
    for (const state of ['suspended', 'left'] as const) {
      const m = await makeMember(t, { lastName: `Ehemalig${state}`, password: PASSWORD, state: 'active' });
      expect(await xmppLogin(m.username, PASSWORD)).toBe(true);
      await members.changeState(systemActor('lab'), m.id, state);
      expect(await xmppLogin(m.username, PASSWORD)).toBe(false);
    }
  });

  it('takes a new password at once and refuses the old one', async () => {
    const m = await makeMember(t, { firstName: 'Clara', lastName: 'Zetkin', password: PASSWORD, state: 'active' });
    expect(await xmppLogin(m.username, PASSWORD)).toBe(true);
    const changed = 'Neues Passwort für den Chat 1910';
    await t.orm.em.fork().transactional(async (em) => {
      const member = await t.app.get(MembersService).requireMember(em, m.id);
      await t.app.get(AuthService).setPassword(em, systemActor('lab'), member, changed);
    });
    expect(await xmppLogin(m.username, PASSWORD)).toBe(false);
    expect(await xmppLogin(m.username, changed)).toBe(true);
  });

  it('got nothing but answers from the program (ejabberd logged no unexpected response)', () => {
    expect(ejabberd.logs()).not.toContain('unexpected response');
    expect(ejabberd.logs()).not.toContain('has terminated unexpectedly');
    expect(readFileSync(join(dir, 'extauth.log'), 'utf8')).not.toContain('HTTP 401');
  });
});
