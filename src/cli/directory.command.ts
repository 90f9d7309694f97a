import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../core/app.errors.js';
import { hashPassword, newToken } from '../core/crypto.util.js';
import { readPasswordFile } from '../directory/ldap.client.js';
import { baseLdif, slapdConf, SlapdConfigError } from '../directory/slapd-config.js';
import type { CliEnv } from './main.js';

interface ConfigOptions {
  out?: string;
  dataDir: string;
  runDir: string;
  readerPasswordFile?: string;
  durable?: boolean;
}

export function registerDirectoryCommands(program: Command, env: CliEnv): void {
  program
    .command('directory')
    .description('OpenLDAP (slapd) integration')
    .command('config')
    .description('print a slapd.conf and the LDIF of the base entries for allmende’s directory')
    .option('--out <dir>', 'write slapd.conf, base.ldif and reader.password into this folder instead of printing')
    .option('--data-dir <dir>', 'the mdb folder slapd keeps the directory in', '/var/lib/ldap/allmende')
    .option('--run-dir <dir>', 'where slapd writes its pid and args files', '/var/run/slapd')
    .option('--durable', 'flush every write to disk (slower mass changes) instead of once a minute')
    .option('--reader-password-file <file>', 'the read-only account’s password (default: a new random one)')
    .addHelpText(
      'after',
      `
Needs ALLMENDE_LDAP_URL, ALLMENDE_LDAP_BASE and the writer's password (ALLMENDE_LDAP_BIND_PASSWORD or
_FILE). Both passwords are written as {ARGON2} hashes made by allmende. Load the LDIF once with
\`slapadd -f slapd.conf -l base.ldif\` (as the openldap user), then start slapd with \`slapd -f slapd.conf\`.
See "Wiring OpenLDAP" in the README.`,
    )
    .action(async (opts: ConfigOptions) => {
      const ldap = env.config().ldap;
      if (!ldap) {
        throw new AppError(
          'VALIDATION_FAILED',
          'set ALLMENDE_LDAP_URL and ALLMENDE_LDAP_BASE first (the directory target is off without them)',
        );
      }
      const writerPassword = ldap.bindPassword ?? readPasswordFile(ldap.bindPasswordFile ?? '');
      const readerPassword = opts.readerPasswordFile
        ? readFileSync(opts.readerPasswordFile, 'utf8').trim()
        : newToken().slice(0, 32);
      const readerDn = `cn=reader,${ldap.base}`;
      let conf: string;
      let ldif: string;
      try {
        conf = slapdConf({
          base: ldap.base,
          writerDn: ldap.bindDn,
          readerDn,
          dataDir: opts.dataDir,
          runDir: opts.runDir,
          durable: opts.durable === true,
        });
        ldif = baseLdif({
          base: ldap.base,
          organization: env.config().clubName,
          writerDn: ldap.bindDn,
          writerPassword: `{ARGON2}${await hashPassword(writerPassword)}`,
          readerDn,
          readerPassword: `{ARGON2}${await hashPassword(readerPassword)}`,
        });
      } catch (err) {
        if (err instanceof SlapdConfigError) throw new AppError('VALIDATION_FAILED', err.message);
        throw err;
      }
      if (opts.out) {
        mkdirSync(opts.out, { recursive: true });
        writeFileSync(join(opts.out, 'slapd.conf'), conf, { mode: 0o640 });
        writeFileSync(join(opts.out, 'base.ldif'), ldif, { mode: 0o600 });
        if (!opts.readerPasswordFile) {
          writeFileSync(join(opts.out, 'reader.password'), `${readerPassword}\n`, { mode: 0o600 });
          chmodSync(join(opts.out, 'reader.password'), 0o600);
        }
        process.stderr.write(
          `wrote slapd.conf, base.ldif${opts.readerPasswordFile ? '' : ' and reader.password'} to ${opts.out}\n` +
            `reader for programs that search: ${readerDn}\n`,
        );
        return;
      }
      process.stdout.write(`${conf}\n# ---- base.ldif ----\n`);
      if (!opts.readerPasswordFile) {
        process.stdout.write(`# The password of ${readerDn} (give it to programs that search): ${readerPassword}\n`);
      }
      process.stdout.write(ldif);
    });
}
