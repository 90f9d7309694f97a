import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { Option, type Command } from 'commander';
import type { AppConfig } from '../config/config.js';
import { AppError } from '../core/app.errors.js';
import { migrate, openOrm, resolveDatabase } from '../database/database.js';
import {
  DEFAULT_WIRING,
  dovecotFiles,
  parseLmtp,
  postfixFiles,
  type GeneratedFile,
  type MailWiring,
} from '../mail/mail-config.js';
import { DEFAULT_MAIL_ROLE, ensureMailRole, mailRoleProblems } from '../mail/mail-role.js';
import type { CliEnv } from './main.js';
import { readStdin } from './prompt.js';

interface ConfigOptions {
  dbHost?: string;
  dbPort?: string;
  dbName?: string;
  dbUser: string;
  dbPasswordFile: string;
  dbTls?: 'off' | 'require' | 'verify';
  dbCaFile?: string;
  mailRoot: string;
  vmailUid: string;
  vmailGid: string;
  lmtp: string;
  postfixDir: string;
  dovecotDir: string;
  proxy: boolean;
  file?: string;
  outDir?: string;
}

// `allmende mail role` and `allmende mail config`: the wiring of Postfix and Dovecot to the views.
export function registerMailWiringCommands(program: Command, env: CliEnv): void {
  // Other mail commands may register `mail` too; share one.
  const mail =
    program.commands.find((c) => c.name() === 'mail') ??
    program.command('mail').description('virtual mail for Postfix and Dovecot');

  mail
    .command('role')
    .description('create or update the database role Postfix and Dovecot connect as (reads the mail views only)')
    .option('--name <role>', 'role name', DEFAULT_MAIL_ROLE)
    .requiredOption('--password-stdin', 'read the role’s password from standard input (required)')
    .addHelpText(
      'after',
      `
The role may log in, SELECT the four views mail_virtual_domains, mail_virtual_mailboxes,
mail_virtual_aliases and mail_dovecot_users, and nothing else; its sessions are read-only.
Running it again sets the new password and takes back anything else granted to the role.
allmende's own database user needs the right to create roles (CREATEROLE).
The password must be 16-128 characters of A-Z a-z 0-9 . _ ~ + / = - (it goes into config files):

  openssl rand -base64 24 | tee /etc/allmende/mail-db-password | allmende mail role --password-stdin`,
    )
    .action(async (opts: { name: string }) => {
      const password = (await readStdin()).trim();
      const problems = mailRoleProblems(opts.name, password);
      if (problems.length > 0) throw AppError.validation(problems);
      const config = env.config();
      const log = env.quietLog();
      const db = await resolveDatabase(config, (m) => log.debug(m));
      try {
        const orm = await openOrm(db.url, config);
        try {
          // The views come with the migrations, as for every other command.
          if (config.migrateOnStart) await migrate(orm, db.url, config, (m) => log.info(m));
          const r = await ensureMailRole(orm.em.fork(), opts.name, password);
          console.log(`${r.created ? 'created' : 'updated'} role ${r.name}: may read the mail views only`);
        } finally {
          await orm.close();
        }
      } finally {
        await db.stop();
      }
    });

  const config = mail
    .command('config')
    .description('print the Postfix maps or the Dovecot SQL config that read the mail views');
  for (const target of ['postfix', 'dovecot'] as const) {
    const cmd = config
      .command(target)
      .description(
        target === 'postfix'
          ? 'the three pgsql maps (virtual domains, mailboxes, aliases) and the main.cf lines'
          : 'dovecot-sql.conf.ext and a conf.d file (SQL passdb/userdb, maildir, quota, LMTP listener)',
      );
    addWiringOptions(cmd);
    cmd.addHelpText(
      'after',
      `
Without --file or --out-dir, every file is printed after a line "# ==> <path> (mode <mode>) <==".
The database settings default to DATABASE_URL (or the embedded PostgreSQL) and ALLMENDE_DATABASE_TLS.
Example:
  allmende mail config ${target} --db-password-file /etc/allmende/mail-db-password --out-dir ${
    target === 'postfix' ? '/etc/postfix/allmende' : '/etc/dovecot'
  }`,
    );
    cmd.action(async (opts: ConfigOptions) => {
      const wiring = await wiringFrom(env.config(), opts);
      const files = target === 'postfix' ? postfixFiles(wiring) : dovecotFiles(wiring);
      await emit(files, opts, target === 'postfix' ? wiring.postfixDir : wiring.dovecotDir);
    });
  }
}

function addWiringOptions(cmd: Command): void {
  cmd
    .option('--db-host <host>', 'database host as Postfix and Dovecot reach it (default: from DATABASE_URL)')
    .option('--db-port <port>', 'database port (default: from DATABASE_URL)')
    .option('--db-name <name>', 'database name (default: from DATABASE_URL)')
    .option('--db-user <role>', 'the mail role (see `allmende mail role`)', DEFAULT_MAIL_ROLE)
    .requiredOption('--db-password-file <file>', 'file holding the mail role’s password (required)')
    .addOption(
      new Option('--db-tls <mode>', 'TLS to the database (default: ALLMENDE_DATABASE_TLS)').choices([
        'off',
        'require',
        'verify',
      ]),
    )
    .option('--db-ca-file <file>', 'CA certificate for --db-tls verify (default: ALLMENDE_DATABASE_CA_FILE)')
    .option(
      '--mail-root <dir>',
      'the mail store; each mailbox is <dir>/<domain>/<local part>/',
      DEFAULT_WIRING.mailRoot,
    )
    .option('--vmail-uid <uid>', 'uid owning the mail store', String(DEFAULT_WIRING.vmail.uid))
    .option('--vmail-gid <gid>', 'gid owning the mail store', String(DEFAULT_WIRING.vmail.gid))
    .option(
      '--lmtp <where>',
      'Dovecot’s LMTP listener: unix:/path or inet:host:port',
      `unix:${DEFAULT_WIRING.lmtp.kind === 'unix' ? DEFAULT_WIRING.lmtp.path : ''}`,
    )
    .option('--postfix-dir <dir>', 'where the Postfix map files go', DEFAULT_WIRING.postfixDir)
    .option('--dovecot-dir <dir>', 'Dovecot’s configuration folder', DEFAULT_WIRING.dovecotDir)
    .option('--no-proxy', 'Postfix queries pgsql directly instead of through proxymap')
    .option(
      '--file <name>',
      'only this file (virtual_mailbox_domains, virtual_mailbox_maps, virtual_alias_maps, main.cf; dovecot-sql.conf.ext, 90-allmende.conf)',
    )
    .option(
      '--out-dir <dir>',
      'write the files into this folder instead of printing them (as under --postfix-dir/--dovecot-dir, with their modes)',
    );
}

async function wiringFrom(config: AppConfig, o: ConfigOptions): Promise<MailWiring> {
  const problems: { field: string; message: string }[] = [];
  const url = config.database.url ? new URL(config.database.url) : undefined;
  const int = (field: string, value: string, max: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) problems.push({ field, message: `must be an integer 0-${max}` });
    return n;
  };
  const lmtp = parseLmtp(o.lmtp);
  if (!lmtp) problems.push({ field: '--lmtp', message: 'must be unix:/path or inet:host:port' });
  const password = await readFile(o.dbPasswordFile, 'utf8').then(
    (s) => s.trim(),
    (err: unknown) => {
      problems.push({ field: '--db-password-file', message: `cannot read: ${(err as Error).message}` });
      return '';
    },
  );
  if (password !== '')
    for (const p of mailRoleProblems(o.dbUser, password))
      problems.push({ field: p.field === 'name' ? '--db-user' : '--db-password-file', message: p.message });
  const wiring: MailWiring = {
    db: {
      host: o.dbHost ?? (url ? decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1') : '127.0.0.1'),
      port: int('--db-port', o.dbPort ?? (url ? url.port || '5432' : String(config.database.embeddedPort)), 65535),
      dbname: o.dbName ?? (url ? decodeURIComponent(url.pathname.slice(1)) || 'postgres' : 'allmende'),
      user: o.dbUser,
      password,
      tls: o.dbTls ?? config.database.tls,
      caFile: o.dbCaFile ?? config.database.caFile,
    },
    mailRoot: o.mailRoot,
    vmail: { uid: int('--vmail-uid', o.vmailUid, 2 ** 31), gid: int('--vmail-gid', o.vmailGid, 2 ** 31) },
    lmtp: lmtp ?? DEFAULT_WIRING.lmtp,
    postfixDir: o.postfixDir.replace(/\/+$/, ''),
    dovecotDir: o.dovecotDir.replace(/\/+$/, ''),
    proxy: o.proxy,
  };
  if (!/^[A-Za-z0-9_.-]+$/.test(wiring.db.dbname))
    problems.push({ field: '--db-name', message: 'must be letters, digits, _ . -' });
  if (!wiring.mailRoot.startsWith('/')) problems.push({ field: '--mail-root', message: 'must be an absolute path' });
  if (problems.length > 0) throw AppError.validation(problems);
  return wiring;
}

// With --out-dir, each file goes to the same place under it as under base (conf.d/ stays conf.d/).
async function emit(files: GeneratedFile[], o: ConfigOptions, base: string): Promise<void> {
  const chosen = o.file ? files.filter((f) => f.name === o.file || basename(f.path) === o.file) : files;
  if (chosen.length === 0)
    throw AppError.validation([{ field: '--file', message: `one of ${files.map((f) => f.name).join(', ')}` }]);
  if (o.outDir) {
    for (const f of chosen) {
      const path = join(o.outDir, relative(base, f.path));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content, { mode: f.mode });
      await chmod(path, f.mode);
      console.log(`wrote ${path} (mode ${f.mode.toString(8)})`);
    }
    return;
  }
  if (o.file) {
    process.stdout.write(chosen[0]?.content ?? '');
    return;
  }
  process.stdout.write(chosen.map((f) => `# ==> ${f.path} (mode ${f.mode.toString(8)}) <==\n${f.content}`).join('\n'));
}
