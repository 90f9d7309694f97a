import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { AppError } from '../core/app.errors.js';
import { HttpJabberAuthClient } from '../jabber/extauth.client.js';
import { serveExtauth } from '../jabber/extauth.program.js';
import { ejabberdExtauthConfig, ejabberdLdapConfig, prosodyLdapConfig } from '../jabber/jabber-config.js';
import type { CliEnv } from './main.js';

// ejabberd 23.01 waits 30 s for an answer and then restarts the program: stay well inside.
const DEFAULT_TIMEOUT_MS = 5000;

interface ExtauthOptions {
  url?: string;
  tokenFile?: string;
  timeout: number;
}

interface ConfigOptions {
  domain?: string;
  auth: 'extauth' | 'ldap';
  program?: string;
  url?: string;
  tokenFile: string;
  poolSize: number;
  ldapUri: string;
  ldapBase?: string;
  ldapBindDn?: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${values.join(', ')}`);
    return value as T;
  };
}

export function registerJabberCommands(program: Command, env: CliEnv): void {
  const jabber = program.command('jabber').description('Jabber (XMPP) logins with the member’s one password');

  jabber
    .command('extauth')
    .description(
      'ejabberd’s external authentication program: requests on stdin, answers on stdout, log on stderr.\n' +
        'Asks allmende over HTTP with an API token that has the jabber:auth scope.',
    )
    .option('--url <url>', 'allmende’s URL (else ALLMENDE_URL, else http://127.0.0.1:3000)')
    .option('--token-file <file>', 'file holding the API token (else ALLMENDE_JABBER_TOKEN)')
    .option('--timeout <ms>', 'answer no when allmende has not answered within this', positiveInt, DEFAULT_TIMEOUT_MS)
    .action(async (opts: ExtauthOptions) => {
      // stdout carries only answers: every word for people goes to stderr.
      const warn = (message: string) => process.stderr.write(`allmende jabber extauth: ${message}\n`);
      const url = opts.url ?? process.env.ALLMENDE_URL ?? 'http://127.0.0.1:3000';
      const token = readToken(opts.tokenFile);
      const client = new HttpJabberAuthClient({ url, token, timeoutMs: opts.timeout, warn });
      process.stdout.on('error', () => process.exit(0)); // ejabberd went away
      await serveExtauth(process.stdin, process.stdout, client, { warn });
    });

  jabber
    .command('config')
    .description('print configuration for the Jabber server')
    .argument('<server>', 'ejabberd or prosody', oneOf(['ejabberd', 'prosody'] as const))
    .option('--domain <domain>', 'the Jabber domain (else ALLMENDE_JABBER_DOMAIN)')
    .option('--auth <how>', 'ejabberd: extauth (tested) or ldap', oneOf(['extauth', 'ldap'] as const), 'extauth')
    .option('--program <command>', 'ejabberd extauth: the command ejabberd runs (default: this allmende)')
    .option('--url <url>', 'ejabberd extauth: allmende’s URL for the program (default: ALLMENDE_PUBLIC_URL)')
    .option('--token-file <file>', 'ejabberd extauth: where the API token lies', '/etc/ejabberd/allmende-jabber.token')
    .option('--pool-size <n>', 'ejabberd extauth: programs ejabberd keeps running', positiveInt, 2)
    .option('--ldap-uri <uri>', 'LDAP: the directory', 'ldap://127.0.0.1:389')
    .option('--ldap-base <dn>', 'LDAP: the directory’s base DN (people under ou=people, groups under ou=groups)')
    .option('--ldap-bind-dn <dn>', 'LDAP: the read-only service account (default cn=jabber,ou=services,<base>)')
    .action((server: 'ejabberd' | 'prosody', opts: ConfigOptions) => {
      const config = env.config();
      const domain = opts.domain ?? config.jabber.domain;
      if (domain === undefined) {
        throw AppError.validation([{ field: '--domain', message: 'give --domain or set ALLMENDE_JABBER_DOMAIN' }]);
      }
      const ldap = () => {
        if (opts.ldapBase === undefined) {
          throw AppError.validation([
            { field: '--ldap-base', message: 'the directory’s base DN, e.g. dc=example,dc=org' },
          ]);
        }
        const bindDn = opts.ldapBindDn ?? `cn=jabber,ou=services,${opts.ldapBase}`;
        return { uri: opts.ldapUri, base: opts.ldapBase, bindDn };
      };
      if (server === 'prosody') {
        process.stdout.write(prosodyLdapConfig(domain, ldap()));
      } else if (opts.auth === 'ldap') {
        process.stdout.write(ejabberdLdapConfig(domain, ldap()));
      } else {
        const main = fileURLToPath(new URL('./main.js', import.meta.url));
        const url = opts.url ?? config.http.publicUrl;
        const command =
          opts.program ?? `${process.execPath} ${main} jabber extauth --url ${url} --token-file ${opts.tokenFile}`;
        process.stdout.write(ejabberdExtauthConfig({ domain, program: command, poolSize: opts.poolSize }));
      }
    });
}

function readToken(file: string | undefined): string {
  const token = (file === undefined ? process.env.ALLMENDE_JABBER_TOKEN : readFileSync(file, 'utf8'))?.trim();
  if (!token) {
    throw AppError.validation([
      { field: '--token-file', message: 'give --token-file or ALLMENDE_JABBER_TOKEN (an API token with jabber:auth)' },
    ]);
  }
  return token;
}
