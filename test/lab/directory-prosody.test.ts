import { spawn } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '../../src/core/crypto.util.js';
import { prosodyLdapConfig } from '../../src/jabber/jabber-config.js';
import { baseLdif, slapdConf } from '../../src/directory/slapd-config.js';
import { freePort, sleep } from '../support/lab-services.js';
import { describeLab } from '../support/lab.js';
import { SLAPD_PROGRAMS, SlapdLab } from '../support/slapd-lab.js';
import { createTestApp, loginAs, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';

const BASE = 'dc=club,dc=example';
const DOMAIN = 'club.example';
const WRITER = { dn: `cn=allmende,${BASE}`, password: 'the writer password of the lab' };
const READER = { dn: `cn=reader,${BASE}`, password: 'the reader password of the lab' };

// The sandbox's globals, then what `allmende jabber config prosody` prints for the host (LDAP in
// bind mode, as the reader), with the reader's password put where the output leaves a placeholder.
function prosodyConfig(dir: string, port: number, ldapPort: number): string {
  const generated = prosodyLdapConfig(DOMAIN, { uri: `ldap://127.0.0.1:${ldapPort}`, base: BASE, bindDn: READER.dn });
  const placeholder = '"<the service account\'s password>"';
  if (!generated.includes(placeholder)) throw new Error('the generated Prosody config has no password placeholder');
  return `
pidfile = "${dir}/prosody.pid"
data_path = "${dir}/data"
log = { info = "${dir}/prosody.log" }
interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
s2s_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "saslauth", "roster", "disco", "ping" }
modules_disabled = { "s2s", "offline" }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
${generated.replace(placeholder, JSON.stringify(READER.password))}
`;
}

// A real XMPP login: stream, then SASL PLAIN over plain TCP (sandbox only). true on <success/>.
function xmppLogin(port: number, user: string, password: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    let authed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no SASL answer within 10 s: ${buffer}`));
    }, 10_000);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('connect', () => {
      socket.write(
        `<?xml version='1.0'?><stream:stream to='${DOMAIN}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`,
      );
    });
    socket.on('data', (d) => {
      buffer += String(d);
      if (!authed && buffer.includes('</stream:features>')) {
        if (!buffer.includes('<mechanism>PLAIN</mechanism>')) {
          clearTimeout(timer);
          socket.destroy();
          reject(new Error(`PLAIN not offered: ${buffer}`));
          return;
        }
        authed = true;
        const token = Buffer.from(`\0${user}\0${password}`).toString('base64');
        socket.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${token}</auth>`);
      }
      if (authed && /<success[\s/>]/.test(buffer)) done(true);
      else if (authed && /<failure[\s/>]/.test(buffer)) done(false);
    });
  });
}

function prosodyUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('prosody:'));
  const parts = line?.split(':') ?? [];
  return { uid: Number(parts[2]), gid: Number(parts[3]) };
}

// Prosody 0.12 with its own mod_auth_ldap (lua-ldap) against the slapd that allmende fills.
describeLab('directory (Prosody over LDAP)', [...SLAPD_PROGRAMS, '/usr/bin/prosody', '/usr/sbin/runuser'], () => {
  let slapd: SlapdLab;
  let t: TestApp;
  let prosodyDir: string;
  let prosodyPort: number;
  let prosodyPid = 0;
  // runuser leads its own process group (detached): stopping the group also stops a Prosody whose
  // start failed before its pid was known.
  let prosodyGroup = 0;

  async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(100);
    }
    throw new Error(`not within ${ms} ms: ${what}`);
  }

  const hasEntry = (uid: string) => slapd.search(READER, `ou=people,${BASE}`, `(uid=${uid})`, ['1.1']).out !== '';

  beforeAll(async () => {
    const paths = SlapdLab.paths();
    slapd = await SlapdLab.create(
      paths,
      slapdConf({ base: BASE, writerDn: WRITER.dn, readerDn: READER.dn, dataDir: paths.dataDir, runDir: paths.runDir }),
      baseLdif({
        base: BASE,
        organization: 'Labverein',
        writerDn: WRITER.dn,
        writerPassword: `{ARGON2}${await hashPassword(WRITER.password)}`,
        readerDn: READER.dn,
        readerPassword: `{ARGON2}${await hashPassword(READER.password)}`,
      }),
    );
    t = await createTestApp({
      ALLMENDE_LDAP_URL: slapd.url,
      ALLMENDE_LDAP_BASE: BASE,
      ALLMENDE_LDAP_BIND_PASSWORD: WRITER.password,
      ALLMENDE_SYNC_DEBOUNCE_MS: '100',
    });

    // A folder of its own: slapd's is closed to other users.
    prosodyDir = mkdtempSync(join(tmpdir(), 'allmende-prosody-'));
    prosodyPort = await freePort();
    mkdirSync(join(prosodyDir, 'data'), { recursive: true });
    const conf = join(prosodyDir, 'prosody.cfg.lua');
    writeFileSync(conf, prosodyConfig(prosodyDir, prosodyPort, slapd.port));
    const owner = prosodyUser();
    for (const p of [prosodyDir, join(prosodyDir, 'data'), conf]) chownSync(p, owner.uid, owner.gid);
    const out = openSync(join(prosodyDir, 'stdout.log'), 'a');
    const child = spawn('/usr/sbin/runuser', ['-u', 'prosody', '--', '/usr/bin/prosody', '--config', conf, '-F'], {
      stdio: ['ignore', out, out],
      detached: true,
    });
    child.unref();
    prosodyGroup = child.pid ?? 0;
    closeSync(out);
    await until(
      'Prosody listens',
      () =>
        new Promise<boolean>((resolve) => {
          const s = connect(prosodyPort, '127.0.0.1');
          s.on('connect', () => (s.destroy(), resolve(true)));
          s.on('error', () => resolve(false));
        }),
      20_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${readFileSync(join(prosodyDir, 'stdout.log'), 'utf8')}`);
    });
    // Prosody may listen before it writes its pid file (seen once on a busy machine).
    const pidFile = join(prosodyDir, 'prosody.pid');
    await until('Prosody writes its pid file', () => existsSync(pidFile), 20_000);
    prosodyPid = Number(readFileSync(pidFile, 'utf8').trim());
  }, 120_000);

  afterAll(async () => {
    for (const pid of [prosodyPid, -prosodyGroup]) {
      if (pid === 0) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone already
      }
    }
    await t?.close();
    await slapd?.destroy();
    await sleep(200);
    if (prosodyDir) rmSync(prosodyDir, { recursive: true, force: true });
  }, 60_000);

  it('a member logs into Prosody with the one password; a wrong one fails; after the exit it fails', async () => {
    const board = await loginAs(t, 'board', { firstName: 'Clara', lastName: 'Zetkin' });
    const karl = await makeMember(t, {
      firstName: 'Karl',
      lastName: 'Liebknecht',
      password: PASSWORD,
      state: 'active',
    });
    await until('Karl has an entry', () => hasEntry(karl.username));

    expect(await xmppLogin(prosodyPort, karl.username, PASSWORD)).toBe(true);
    expect(await xmppLogin(prosodyPort, karl.username, 'not the password at all')).toBe(false);
    expect(await xmppLogin(prosodyPort, 'nobody.here', PASSWORD)).toBe(false);

    expect((await board.post(`/api/members/${karl.id}/state`).send({ state: 'left' })).status).toBe(200);
    await until('Karl’s entry is gone', () => !hasEntry(karl.username));
    expect(await xmppLogin(prosodyPort, karl.username, PASSWORD)).toBe(false);
  });
});
