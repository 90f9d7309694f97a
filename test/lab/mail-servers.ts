import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dovecotFiles, postfixFiles, type GeneratedFile, type MailWiring } from '../../src/mail/mail-config.js';

// The real Postfix and Dovecot from Debian's packages, each on 127.0.0.1 and free ports with
// its state in a folder of the test, fed the files `allmende mail config` generates.
export const POSTFIX = '/usr/sbin/postfix';
export const POSTMAP = '/usr/sbin/postmap';
export const DOVECOT = '/usr/sbin/dovecot';
export const DOVEADM = '/usr/bin/doveadm';
export const MAIL_PROGRAMS = [POSTFIX, POSTMAP, DOVECOT, DOVEADM, '/usr/lib/dovecot/lmtp', '/usr/lib/dovecot/imap'];

// The mail store belongs to this uid in the lab (Debian's nobody): any unprivileged uid will do.
export const VMAIL = { uid: 65534, gid: 65534 };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: readonly string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function place(dir: string, files: GeneratedFile[], base: string, group?: number): void {
  for (const f of files) {
    const path = join(dir, f.path.slice(base.length + 1));
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, f.content, { mode: f.mode });
    chmodSync(path, f.mode);
    if (group !== undefined) chownSync(path, 0, group);
  }
}

async function waitPort(port: number, what: string, log: () => string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${what} does not listen on ${port}:\n${log()}`);
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return `(no ${path})`;
  }
}

function stopPid(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

export interface Dovecot {
  conf: string;
  imapPort: number;
  lmtpPort: number;
  mailRoot: string;
  log(): string;
  stop(): Promise<void>;
}

// Dovecot with the generated dovecot-sql.conf.ext and conf.d file, included from a sandbox
// dovecot.conf that only moves its sockets, state and log into `dir`.
export async function startDovecot(
  dir: string,
  wiring: Omit<MailWiring, 'lmtp' | 'dovecotDir' | 'postfixDir'>,
): Promise<Dovecot> {
  const etc = join(dir, 'dovecot');
  const mailRoot = join(dir, 'vmail');
  mkdirSync(mailRoot, { recursive: true });
  chownSync(mailRoot, wiring.vmail.uid, wiring.vmail.gid);
  const imapPort = await freePort();
  const lmtpPort = await freePort();
  const files = dovecotFiles({
    ...wiring,
    mailRoot,
    dovecotDir: etc,
    postfixDir: etc,
    lmtp: { kind: 'inet', host: '127.0.0.1', port: lmtpPort },
  });
  place(etc, files, etc);
  const logPath = join(dir, 'dovecot.log');
  const conf = join(etc, 'dovecot.conf');
  writeFileSync(
    conf,
    [
      `base_dir = ${join(dir, 'dovecot-run')}`,
      `state_dir = ${join(dir, 'dovecot-state')}`,
      `log_path = ${logPath}`,
      'protocols = imap lmtp',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      // The lab answers a wrong password at once (the default waits 2 s).
      'auth_failure_delay = 0',
      // Nor does it slow down the next attempts from 127.0.0.1 (the login penalty).
      'login_trusted_networks = 127.0.0.0/8',
      'default_internal_user = dovecot',
      'default_login_user = dovenull',
      'service imap-login {',
      '  inet_listener imap {',
      `    port = ${imapPort}`,
      '  }',
      '  inet_listener imaps {',
      '    port = 0',
      '  }',
      '}',
      `!include ${join(etc, 'conf.d', '90-allmende.conf')}`,
      '',
    ].join('\n'),
  );
  // Dovecot forks into the background; its stdio must not be our pipes, or we wait on them.
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(DOVECOT, ['-c', conf], { stdio: 'ignore' });
    child.once('error', () => resolve(-1));
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`dovecot did not start (exit ${code}):\n${readOr(logPath)}`);
  await waitPort(imapPort, 'dovecot imap', () => readOr(logPath));
  await waitPort(lmtpPort, 'dovecot lmtp', () => readOr(logPath));
  const pidFile = join(dir, 'dovecot-run', 'master.pid');
  for (let i = 0; i < 100 && !existsSync(pidFile); i++) await sleep(50);
  const pid = Number(readOr(pidFile).trim()) || undefined;
  return {
    conf,
    imapPort,
    lmtpPort,
    mailRoot,
    log: () => readOr(logPath),
    stop: async () => {
      stopPid(pid);
      await sleep(200);
    },
  };
}

export interface Postfix {
  etc: string;
  smtpPort: number;
  // pgsql:<file> for postmap -q
  map(name: 'virtual_mailbox_domains' | 'virtual_mailbox_maps' | 'virtual_alias_maps'): string;
  log(): string;
  stop(): Promise<void>;
}

// Postfix's master with its own config folder, queue and log: main.cf is a sandbox plus the
// generated lines; the maps are the generated files. Mail for other domains goes to relayPort.
export async function startPostfix(
  dir: string,
  wiring: Omit<MailWiring, 'postfixDir' | 'dovecotDir'>,
  relayPort: number,
  { start = true }: { start?: boolean } = {},
): Promise<Postfix> {
  const etc = join(dir, 'postfix');
  const maps = join(etc, 'allmende');
  const queue = join(dir, 'postfix-queue');
  const data = join(dir, 'postfix-data');
  mkdirSync(maps, { recursive: true });
  mkdirSync(queue, { recursive: true });
  mkdirSync(data, { recursive: true });
  const postfixGid = Number((await run('id', ['-g', 'postfix'])).stdout.trim());
  const postfixUid = Number((await run('id', ['-u', 'postfix'])).stdout.trim());
  chownSync(data, postfixUid, postfixGid);
  const files = postfixFiles({ ...wiring, postfixDir: maps, dovecotDir: etc });
  // The maps are root:postfix 0640, as the README says: proxymap reads them as postfix.
  place(
    maps,
    files.filter((f) => f.name !== 'main.cf'),
    maps,
    postfixGid,
  );
  const generatedMain = files.find((f) => f.name === 'main.cf')?.content ?? '';
  const smtpPort = await freePort();
  const logPath = join(dir, 'postfix.log');
  writeFileSync(
    join(etc, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${queue}`,
      `data_directory = ${data}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'myhostname = mx.lab.test',
      'mydomain = lab.test',
      'myorigin = $myhostname',
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      `maillog_file = ${logPath}`,
      `maillog_file_prefixes = ${dir}`,
      `relayhost = [127.0.0.1]:${relayPort}`,
      'smtp_dns_support_level = disabled',
      'smtp_tls_security_level = none',
      'biff = no',
      'delay_warning_time = 0',
      // Keep retries quick in the lab.
      'queue_run_delay = 1s',
      'minimal_backoff_time = 1s',
      'maximal_backoff_time = 2s',
      generatedMain,
    ].join('\n'),
  );
  // Debian's master.cf with nothing chrooted (the queue is a temp folder) and smtpd on our port.
  const master = readFileSync('/etc/postfix/master.cf', 'utf8')
    .split('\n')
    .map((line) => {
      if (/^smtp\s+inet\s/.test(line)) return `127.0.0.1:${smtpPort} inet n - n - - smtpd`;
      const f = line.split(/\s+/);
      if (/^[a-z]/.test(line) && f.length >= 8 && f[4] === 'y') {
        f[4] = 'n';
        return f.join(' ');
      }
      return line;
    })
    .join('\n');
  writeFileSync(join(etc, 'master.cf'), master);
  copyFileSync('/etc/postfix/dynamicmaps.cf', join(etc, 'dynamicmaps.cf'));
  const pf: Postfix = {
    etc,
    smtpPort,
    map: (name) => `pgsql:${join(maps, `${name}.cf`)}`,
    log: () => readOr(logPath),
    stop: async () => {
      const pid = Number(readOr(join(queue, 'pid', 'master.pid')).trim()) || undefined;
      stopPid(pid);
      await sleep(300);
    },
  };
  if (!start) return pf;
  const r = await run(POSTFIX, ['-c', etc, 'start'], 60_000);
  if (r.code !== 0) throw new Error(`postfix did not start (${r.code}): ${r.stdout}${r.stderr}\n${pf.log()}`);
  await waitPort(smtpPort, 'postfix smtpd', () => pf.log());
  return pf;
}

// A tiny IMAP client: enough to log in and look into INBOX, as a mail program does.
export class Imap {
  private buffer = '';
  private tag = 0;
  private readonly socket;
  private waiting: (() => void) | undefined;

  private constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => {
      this.buffer += d;
      this.waiting?.();
    });
    this.socket.on('error', () => this.waiting?.());
  }

  static async open(port: number): Promise<Imap> {
    const c = new Imap(port);
    await c.until(/^\* OK.*\r\n/m);
    return c;
  }

  private async until(re: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(this.buffer)) {
      if (Date.now() > deadline || this.socket.destroyed) throw new Error(`IMAP: no ${re} in ${this.buffer}`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
    const out = this.buffer;
    this.buffer = '';
    return out;
  }

  // Sends one command; resolves with everything up to and including its tagged answer.
  async command(text: string): Promise<{ ok: boolean; lines: string }> {
    const tag = `a${++this.tag}`;
    this.socket.write(`${tag} ${text}\r\n`);
    const lines = await this.until(new RegExp(`^${tag} (OK|NO|BAD)`, 'm'));
    return { ok: new RegExp(`^${tag} OK`, 'm').test(lines), lines };
  }

  close(): void {
    this.socket.destroy();
  }
}

const quote = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

// A real IMAP LOGIN: true when the server says OK.
export async function imapLogin(port: number, user: string, password: string): Promise<boolean> {
  const c = await Imap.open(port);
  try {
    return (await c.command(`LOGIN ${quote(user)} ${quote(password)}`)).ok;
  } finally {
    c.close();
  }
}

// The subjects in a user's INBOX, read over IMAP.
export async function inboxSubjects(port: number, user: string, password: string): Promise<string[]> {
  const c = await Imap.open(port);
  try {
    if (!(await c.command(`LOGIN ${quote(user)} ${quote(password)}`)).ok) throw new Error(`login of ${user} refused`);
    const sel = await c.command('SELECT INBOX');
    if (!sel.ok) throw new Error(sel.lines);
    const exists = Number(/^\* (\d+) EXISTS/m.exec(sel.lines)?.[1] ?? 0);
    if (exists === 0) return [];
    const f = await c.command('FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    return [...f.lines.matchAll(/^Subject: (.*)\r$/gm)].map((m) => m[1] ?? '');
  } finally {
    c.close();
  }
}
