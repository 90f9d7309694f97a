import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { verifyPassword } from '../../src/core/crypto.util.js';

// `allmende directory config` as an admin runs it (the built CLI). It needs no database.
const LDAP = {
  ALLMENDE_LDAP_URL: 'ldap://127.0.0.1:389',
  ALLMENDE_LDAP_BASE: 'dc=club,dc=example',
  ALLMENDE_LDAP_BIND_PASSWORD: 'the writer password',
};

let work: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, work, env);
}

// The PHC string of the userPassword of dn in the LDIF.
function hashOf(ldif: string, dn: string): string {
  const block = ldif.split('\n\n').find((b) => b.startsWith(`dn: ${dn}\n`)) ?? '';
  return /^userPassword: \{ARGON2\}(.*)$/m.exec(block)?.[1] ?? '';
}

describe('allmende directory config', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'allmende-directory-cli-'));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('says what is missing without a directory', async () => {
    const r = await cli(['directory', 'config']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('set ALLMENDE_LDAP_URL and ALLMENDE_LDAP_BASE first');
  });

  it('prints slapd.conf and the base LDIF with the writer’s password as an {ARGON2} hash', async () => {
    const r = await cli(['directory', 'config'], LDAP);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^moduleload argon2$/m);
    expect(r.stdout).toContain('# ---- base.ldif ----');
    const reader = /^# The password of cn=reader,dc=club,dc=example .*: (\S+)$/m.exec(r.stdout)?.[1] ?? '';
    expect(reader.length).toBeGreaterThanOrEqual(32);
    expect(
      await verifyPassword(hashOf(r.stdout, 'cn=allmende,dc=club,dc=example'), LDAP.ALLMENDE_LDAP_BIND_PASSWORD),
    ).toBe(true);
    expect(await verifyPassword(hashOf(r.stdout, 'cn=reader,dc=club,dc=example'), reader)).toBe(true);
  });

  it('writes the files, secrets readable by their owner only, with a given reader password', async () => {
    const out = join(work, 'out');
    await writeFile(join(work, 'reader'), 'the reader password\n');
    const r = await cli(
      ['directory', 'config', '--out', out, '--data-dir', '/srv/ldap', '--reader-password-file', join(work, 'reader')],
      LDAP,
    );
    expect(r.code).toBe(0);
    expect(await readFile(join(out, 'slapd.conf'), 'utf8')).toMatch(/^directory \/srv\/ldap$/m);
    const ldif = await readFile(join(out, 'base.ldif'), 'utf8');
    expect((await stat(join(out, 'base.ldif'))).mode & 0o077).toBe(0);
    expect(await verifyPassword(hashOf(ldif, 'cn=reader,dc=club,dc=example'), 'the reader password')).toBe(true);
    await expect(stat(join(out, 'reader.password'))).rejects.toThrow();
  });
});
