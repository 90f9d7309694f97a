import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashPassword } from '../../src/core/crypto.util.js';
import { baseLdif, slapdConf } from '../../src/directory/slapd-config.js';
import { SyncEngine } from '../../src/sync/sync-engine.service.js';
import { freePort } from '../support/lab-services.js';
import { describeLab } from '../support/lab.js';
import { SLAPD_PROGRAMS, SlapdLab } from '../support/slapd-lab.js';
import { createTestApp, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';

const BASE = 'dc=club,dc=example';
const WRITER = { dn: `cn=allmende,${BASE}`, password: 'the writer password of the lab' };

// allmende reaches a remote directory over TLS: StartTLS on ldap://, and ldaps://, with the
// server's certificate checked against ALLMENDE_LDAP_CA_FILE.
describeLab('directory over TLS (slapd)', [...SLAPD_PROGRAMS, '/usr/bin/openssl'], () => {
  let slapd: SlapdLab;
  let certs: string;
  let ldapsPort: number;

  beforeAll(async () => {
    certs = mkdtempSync(join(tmpdir(), 'allmende-ldap-tls-'));
    chmodSync(certs, 0o755);
    execFileSync(
      '/usr/bin/openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(certs, 'key.pem'),
        '-out',
        join(certs, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    chmodSync(join(certs, 'key.pem'), 0o644);
    const paths = SlapdLab.paths();
    const conf = slapdConf({
      base: BASE,
      writerDn: WRITER.dn,
      readerDn: `cn=reader,${BASE}`,
      dataDir: paths.dataDir,
      runDir: paths.runDir,
    }).replace(
      '\ndatabase mdb',
      `\nTLSCertificateFile ${certs}/cert.pem\nTLSCertificateKeyFile ${certs}/key.pem\n\ndatabase mdb`,
    );
    slapd = await SlapdLab.create(
      paths,
      conf,
      baseLdif({
        base: BASE,
        organization: 'Labverein',
        writerDn: WRITER.dn,
        writerPassword: `{ARGON2}${await hashPassword(WRITER.password)}`,
        readerDn: `cn=reader,${BASE}`,
        readerPassword: `{ARGON2}${await hashPassword('reader')}`,
      }),
    );
    // Listen on ldaps:// too: restart with both URLs.
    ldapsPort = await freePort();
    await slapd.stop();
    await slapd.start([`ldaps://127.0.0.1:${ldapsPort}/`]);
  }, 120_000);

  afterAll(async () => {
    await slapd?.destroy();
    if (certs) rmSync(certs, { recursive: true, force: true });
  }, 60_000);

  async function runWith(env: Record<string, string>): Promise<{ status: string; error: string | null; uid: string }> {
    const t: TestApp = await createTestApp({
      ALLMENDE_LDAP_BASE: BASE,
      ALLMENDE_LDAP_BIND_PASSWORD: WRITER.password,
      ALLMENDE_LDAP_CA_FILE: join(certs, 'cert.pem'),
      ...env,
    });
    try {
      const m = await makeMember(t, { password: PASSWORD, state: 'active' });
      const run = await t.app.get(SyncEngine).run('directory', 'manual');
      return { status: run.status, error: run.error, uid: m.username };
    } finally {
      await t.close();
    }
  }

  it('StartTLS on ldap:// with the CA file: the run writes and the member binds', async () => {
    const r = await runWith({ ALLMENDE_LDAP_URL: slapd.url, ALLMENDE_LDAP_STARTTLS: 'true' });
    expect(r).toMatchObject({ status: 'ok', error: null });
    expect(slapd.whoami(`uid=${r.uid},ou=people,${BASE}`, PASSWORD).status).toBe(0);
  });

  it('ldaps:// with the CA file works; without it the certificate is refused and the run fails', async () => {
    const ok = await runWith({ ALLMENDE_LDAP_URL: `ldaps://127.0.0.1:${ldapsPort}` });
    expect(ok).toMatchObject({ status: 'ok', error: null });
    const refused = await runWith({ ALLMENDE_LDAP_URL: `ldaps://127.0.0.1:${ldapsPort}`, ALLMENDE_LDAP_CA_FILE: '' });
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(/self.signed|certificate/i);
  });
});
