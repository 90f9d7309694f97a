// Real services for the lab tests and the sync benchmark: Mailman 3 core, and MariaDB + MediaWiki
// served by `php -S`, each on loopback and free ports with its state in a temporary folder owned
// by the program's Debian user, stopped by PID (see /work/shared/LAB.md). Plain JavaScript (types
// in lab-services.d.ts) so that bench/sync.bench.js can import it without a build.
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { URLSearchParams } from 'node:url';
import { join } from 'node:path';

export const MAILMAN_PROGRAMS = ['/usr/bin/mailman', '/usr/lib/mailman3/bin/master', '/usr/sbin/runuser'];
export const MEDIAWIKI_PROGRAMS = [
  '/usr/sbin/mariadbd',
  '/usr/bin/mariadb-install-db',
  '/usr/bin/mariadb',
  '/usr/bin/php',
  // mediawiki itself has no program of its own: php runs it.
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid, timeoutMs = 20_000) {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < until) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

async function waitFor(what, check, timeoutMs, log) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${log ? `\n${tail(log)}` : ''}`);
}

// Runs a program as a Debian user, output to a log; resolves with the exit code.
function runAs(user, cmd, log, opts = {}) {
  const fd = openSync(log, 'a');
  const child = spawn('runuser', ['-u', user, '--', ...cmd], {
    stdio: ['ignore', fd, fd],
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
  });
  closeSync(fd);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

// Starts a long-running program as a Debian user, detached from our stdio; returns its PID.
function spawnAs(user, cmd, log, opts = {}) {
  const fd = openSync(log, 'a');
  const child = spawn('runuser', ['-u', user, '--', ...cmd], {
    stdio: ['ignore', fd, fd],
    detached: true,
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
  });
  closeSync(fd);
  child.unref();
  return child.pid;
}

export class MailmanLab {
  user = 'restadmin';
  password = 'lab-rest-password';
  pid = undefined;

  constructor(dir, port) {
    this.dir = dir;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.config = join(dir, 'mailman.cfg');
    this.log = join(dir, 'start.log');
  }

  static async create() {
    const dir = mkdtempSync(join(tmpdir(), 'allmende-mailman-'));
    const lab = new MailmanLab(dir, await freePort());
    const lmtp = await freePort();
    mkdirSync(join(dir, 'var'), { recursive: true });
    writeFileSync(
      lab.config,
      `[mailman]
layout: sandbox
site_owner: admin@example.org

[paths.sandbox]
var_dir: ${dir}/var
pid_file: ${dir}/var/master.pid
bin_dir: /usr/lib/mailman3/bin

[database]
class: mailman.database.sqlite.SQLiteDatabase
url: sqlite:///${dir}/var/mailman.db

[webservice]
hostname: 127.0.0.1
port: ${lab.port}
admin_user: ${lab.user}
admin_pass: ${lab.password}
api_version: 3.1

[mta]
incoming: mailman.mta.null.NullMTA
lmtp_host: 127.0.0.1
lmtp_port: ${lmtp}
smtp_host: 127.0.0.1
smtp_port: 9
`,
    );
    execFileSync('chown', ['-R', 'list:list', dir]);
    return lab;
  }

  async start() {
    const code = await runAs('list', ['mailman', '-C', this.config, 'start'], this.log);
    if (code !== 0) throw new Error(`mailman start exited with ${code}:\n${tail(this.log)}`);
    await waitFor(
      'Mailman REST',
      async () => (await this.rest('GET', '/system/versions')).status === 200,
      60_000,
      this.log,
    );
    this.pid = Number(readFileSync(join(this.dir, 'var', 'master.pid'), 'utf8').trim());
  }

  // Stops the master (and so its runners) by PID, and waits until REST no longer answers.
  async stop() {
    if (this.pid === undefined) return;
    const pid = this.pid;
    this.pid = undefined;
    await stopPid(pid, 30_000);
    await waitFor(
      'Mailman REST down',
      async () => {
        try {
          await this.rest('GET', '/system/versions');
          return false;
        } catch {
          return true;
        }
      },
      30_000,
    );
  }

  async destroy() {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async rest(method, path, body) {
    const res = await fetch(`${this.url}/3.1${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }

  async createList(address) {
    await this.rest('POST', '/domains', { mail_host: address.split('@')[1] });
    const res = await this.rest('POST', '/lists', { fqdn_listname: address });
    if (res.status !== 201) throw new Error(`cannot create ${address}: ${res.status} ${JSON.stringify(res.json)}`);
  }

  async roster(address) {
    const out = [];
    for (let page = 1; ; page++) {
      const res = await this.rest('GET', `/lists/${address}/roster/member?count=1000&page=${page}`);
      const entries = res.json?.entries ?? [];
      out.push(...entries.map((e) => ({ email: e.email, displayName: e.display_name ?? '' })));
      if (entries.length < 1000) break;
    }
    return out.sort((a, b) => a.email.localeCompare(b.email));
  }

  async emails(address) {
    return (await this.roster(address)).map((m) => m.email);
  }
}

export class MediaWikiLab {
  dbName = 'wiki';
  dbUser = 'wiki';
  dbPassword = 'lab-wiki-password';
  mariadbPid = undefined;
  phpPid = undefined;

  constructor(dir, dbPort, httpPort) {
    this.dir = dir;
    this.dbPort = dbPort;
    this.httpPort = httpPort;
    this.socket = join(dir, 'mysqld.sock');
    this.log = join(dir, 'lab.log');
    this.localSettings = join(dir, 'conf', 'LocalSettings.php');
    this.url = `http://127.0.0.1:${httpPort}`;
    this.databaseUrl = `mysql://${this.dbUser}:${this.dbPassword}@127.0.0.1:${dbPort}/${this.dbName}`;
  }

  // A data folder, MariaDB started and MediaWiki installed into it; `extraSettings` are appended
  // to LocalSettings.php (allmende's `wiki config` lines). php -S serves it.
  static async create(extraSettings = '') {
    const dir = mkdtempSync(join(tmpdir(), 'allmende-mediawiki-'));
    const lab = new MediaWikiLab(dir, await freePort(), await freePort());
    mkdirSync(join(dir, 'conf'));
    execFileSync('chown', ['-R', 'mysql:mysql', dir]);
    // php -S runs as www-data and reads conf/LocalSettings.php; the data folder stays mysql's.
    execFileSync('chmod', ['0711', dir]);
    execFileSync('chown', ['root:root', join(dir, 'conf')]);
    execFileSync('chmod', ['0755', join(dir, 'conf')]);
    const code = await runAs(
      'mysql',
      ['mariadb-install-db', `--datadir=${dir}/data`, '--auth-root-authentication-method=socket', '--skip-test-db'],
      lab.log,
    );
    if (code !== 0) throw new Error(`mariadb-install-db exited with ${code}:\n${tail(lab.log)}`);
    await lab.startDatabase();
    lab.sql(
      `create database ${lab.dbName}; create user '${lab.dbUser}'@'127.0.0.1' identified by '${lab.dbPassword}';` +
        ` grant all on ${lab.dbName}.* to '${lab.dbUser}'@'127.0.0.1';`,
    );
    execFileSync(
      'php',
      [
        'maintenance/install.php',
        '--dbtype=mysql',
        `--dbserver=127.0.0.1:${lab.dbPort}`,
        `--dbname=${lab.dbName}`,
        `--dbuser=${lab.dbUser}`,
        `--dbpass=${lab.dbPassword}`,
        `--server=${lab.url}`,
        '--scriptpath=',
        '--pass=lab-admin-password-123',
        `--confpath=${dir}/conf`,
        'Labwiki',
        'Admin',
      ],
      { cwd: '/usr/share/mediawiki', stdio: 'pipe' },
    );
    appendFileSync(lab.localSettings, `\n${extraSettings}\n`);
    execFileSync('chmod', ['0644', lab.localSettings]);
    await lab.startWeb();
    return lab;
  }

  // A user made the wiki's own way (not by allmende).
  createUser(name, password) {
    execFileSync('php', ['maintenance/createAndPromote.php', '--conf', this.localSettings, name, password], {
      cwd: '/usr/share/mediawiki',
      stdio: 'pipe',
    });
  }

  sql(statements, database = '') {
    return execFileSync(
      'mariadb',
      [
        '-S',
        this.socket,
        '-u',
        'root',
        '--batch',
        '--skip-column-names',
        ...(database ? [database] : []),
        '-e',
        statements,
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  }

  async startDatabase() {
    this.mariadbPid = spawnAs(
      'mysql',
      [
        'mariadbd',
        `--datadir=${this.dir}/data`,
        `--socket=${this.socket}`,
        `--port=${this.dbPort}`,
        '--bind-address=127.0.0.1',
        `--pid-file=${this.dir}/mariadb.pid`,
        '--skip-log-bin',
        '--innodb-buffer-pool-size=64M',
      ],
      this.log,
    );
    await waitFor(
      'MariaDB',
      async () => {
        this.sql('select 1');
        return true;
      },
      60_000,
      this.log,
    );
  }

  async stopDatabase() {
    if (this.mariadbPid === undefined) return;
    const pid = this.mariadbPid;
    this.mariadbPid = undefined;
    // runuser's child is mariadbd: stop the server by its own PID.
    const serverPid = Number(readFileSync(join(this.dir, 'mariadb.pid'), 'utf8').trim());
    await stopPid(serverPid, 30_000);
    await stopPid(pid, 5_000);
  }

  async startWeb() {
    this.phpPid = spawnAs(
      'www-data',
      ['php', '-S', `127.0.0.1:${this.httpPort}`, '-t', '/usr/share/mediawiki'],
      join(this.dir, 'php.log'),
      {
        cwd: '/usr/share/mediawiki',
        env: { MW_CONFIG_FILE: this.localSettings },
      },
    );
    await waitFor(
      'php -S',
      async () => (await fetch(`${this.url}/api.php?action=query&meta=siteinfo&format=json`)).ok,
      30_000,
      join(this.dir, 'php.log'),
    );
  }

  async destroy() {
    if (this.phpPid !== undefined) await stopPid(this.phpPid, 5_000);
    await this.stopDatabase().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  // MediaWiki's own login check through api.php: the login token, then clientlogin.
  async clientLogin(username, password) {
    let cookies = '';
    const remember = (res) => {
      const set = res.headers.getSetCookie();
      if (set.length > 0) cookies = [cookies, ...set.map((c) => c.split(';')[0])].filter(Boolean).join('; ');
    };
    const t = await fetch(`${this.url}/api.php?action=query&meta=tokens&type=login&format=json`, {
      headers: { cookie: cookies },
    });
    remember(t);
    const token = (await t.json()).query.tokens.logintoken;
    const body = new URLSearchParams({
      action: 'clientlogin',
      username,
      password,
      logintoken: token,
      loginreturnurl: this.url,
      format: 'json',
    });
    const res = await fetch(`${this.url}/api.php`, { method: 'POST', body, headers: { cookie: cookies } });
    const json = await res.json();
    return json.clientlogin ?? json;
  }

  user(name) {
    const out = this.sql(
      `select user_id, user_password, hex(user_token), user_real_name, user_email from user where user_name = '${name.replace(/'/g, "''")}'`,
      this.dbName,
    ).replace(/\n$/, '');
    if (!out) return null;
    const [id, password, token, realName, email] = out.split('\t');
    const groups = this.sql(`select ug_group from user_groups where ug_user = ${Number(id)}`, this.dbName)
      .trim()
      .split('\n')
      .filter(Boolean);
    const blocks = Number(this.sql(`select count(*) from ipblocks where ipb_user = ${Number(id)}`, this.dbName).trim());
    return { id: Number(id), password, token, realName, email, groups, blocked: blocks > 0 };
  }
}
