// A real OpenLDAP slapd for the directory lab test and benchmark: started from a slapd.conf and
// base LDIF given as text (the ones `allmende directory config` generates), on 127.0.0.1 and a
// free port, with its state in a temporary folder owned by the openldap user, stopped by PID.
// Plain JavaScript (types in slapd-lab.d.ts) so that bench/directory.bench.js needs no build.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sleep } from './lab-services.js';

export const SLAPD_PROGRAMS = ['/usr/sbin/slapd', '/usr/sbin/slapadd', '/usr/bin/ldapwhoami', '/usr/bin/ldapsearch'];

function owner() {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('openldap:'));
  const parts = line?.split(':') ?? [];
  return parts.length > 3 ? { uid: Number(parts[2]), gid: Number(parts[3]) } : null;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class SlapdLab {
  /** @param {{ dir: string, port: number, conf: string }} s */
  constructor(s) {
    this.dir = s.dir;
    this.port = s.port;
    this.conf = s.conf;
    this.url = `ldap://127.0.0.1:${s.port}`;
    this.pid = 0;
  }

  // The folder layout the generator is asked for: dataDir and runDir under one temp folder.
  static paths() {
    const dir = mkdtempSync(join(tmpdir(), 'allmende-slapd-'));
    return { dir, dataDir: join(dir, 'data'), runDir: join(dir, 'run') };
  }

  /** Loads the LDIF with slapadd (offline, as slapd's own user) and starts slapd. */
  static async create(paths, slapdConf, ldif) {
    const conf = join(paths.dir, 'slapd.conf');
    mkdirSync(paths.dataDir, { recursive: true });
    mkdirSync(paths.runDir, { recursive: true });
    writeFileSync(conf, slapdConf);
    writeFileSync(join(paths.dir, 'base.ldif'), ldif);
    const lab = new SlapdLab({ dir: paths.dir, port: await freePort(), conf });
    try {
      lab.chown();
      lab.slapadd(join(paths.dir, 'base.ldif'));
      await lab.start();
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  chown() {
    const o = owner();
    if (!o) return;
    for (const p of [this.dir, join(this.dir, 'data'), join(this.dir, 'run'), this.conf]) chownSync(p, o.uid, o.gid);
    execFileSync('chown', ['-R', `${o.uid}:${o.gid}`, this.dir]);
  }

  slapadd(file) {
    const r = spawnSync('/usr/sbin/slapadd', ['-f', this.conf, '-l', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`slapadd failed (${r.status}): ${r.stderr}`);
    this.chown();
  }

  /** @param {string[]} [moreUrls] further listeners, e.g. ldaps:// */
  async start(moreUrls = []) {
    const args = ['-f', this.conf, '-h', [`${this.url}/`, ...moreUrls].join(' '), '-d', '0'];
    if (owner()) args.push('-u', 'openldap', '-g', 'openldap');
    const child = spawn('/usr/sbin/slapd', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    child.unref();
    this.child = child;
    this.pid = child.pid ?? 0;
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      if (!alive(this.pid)) throw new Error(`slapd exited: ${err}`);
      const r = spawnSync('/usr/bin/ldapsearch', ['-x', '-H', this.url, '-s', 'base', '-b', '', '1.1'], {
        encoding: 'utf8',
      });
      // 255: cannot connect yet. Anything else is slapd answering (anonymous binds are refused: 48).
      if (r.status !== null && r.status !== 255) return;
      await sleep(100);
    }
    await this.stop();
    throw new Error(`slapd did not answer on ${this.url}: ${err}`);
  }

  async stop() {
    if (!this.pid || !alive(this.pid)) return;
    process.kill(this.pid, 'SIGTERM');
    const until = Date.now() + 15_000;
    while (alive(this.pid) && Date.now() < until) await sleep(50);
    if (alive(this.pid)) process.kill(this.pid, 'SIGKILL');
    this.child?.stderr?.destroy();
    this.pid = 0;
  }

  async destroy() {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** ldapwhoami: the exit code (0 bound, 49 invalid credentials) and output. */
  whoami(dn, password) {
    const r = spawnSync('/usr/bin/ldapwhoami', ['-x', '-H', this.url, '-D', dn, '-w', password], {
      encoding: 'utf8',
    });
    return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}`.trim() };
  }

  /** ldapsearch as dn (LDIF output, unwrapped), or anonymously without dn. */
  search(bind, base, filter, attrs = []) {
    const auth = bind ? ['-D', bind.dn, '-w', bind.password] : [];
    const r = spawnSync(
      '/usr/bin/ldapsearch',
      ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', this.url, ...auth, '-b', base, filter, ...attrs],
      { encoding: 'utf8' },
    );
    return { status: r.status ?? -1, out: r.stdout, err: r.stderr };
  }

  /** ldapadd/ldapmodify as dn with the LDIF given. */
  modify(bind, ldif, add = false) {
    const r = spawnSync(
      add ? '/usr/bin/ldapadd' : '/usr/bin/ldapmodify',
      ['-x', '-H', this.url, '-D', bind.dn, '-w', bind.password],
      { encoding: 'utf8', input: ldif },
    );
    if (r.status !== 0) throw new Error(`ldapmodify failed (${r.status}): ${r.stderr}`);
  }
}
