import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, type FieldProblem } from '../core/app.errors.js';
import { MAIL_VIEW_NAMES } from './mail-views.sql.js';

export const DEFAULT_MAIL_ROLE = 'allmende_mail';

// The password goes verbatim into Postfix map files and Dovecot's connect string, which have
// no common quoting: letters, digits and the base64/URL-safe signs only (`openssl rand -base64 24`).
const SAFE_PASSWORD = /^[A-Za-z0-9._~+/=-]{16,128}$/;
// A plain identifier, so the same name works unquoted in every config file.
const SAFE_ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

export function mailRoleProblems(name: string, password: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!SAFE_ROLE.test(name))
    problems.push({ field: 'name', message: 'must be lower-case letters, digits and _ (e.g. allmende_mail)' });
  if (!SAFE_PASSWORD.test(password))
    problems.push({
      field: 'password',
      message:
        '16 to 128 characters of A-Z a-z 0-9 . _ ~ + / = - (it is written into the Postfix and Dovecot files; e.g. `openssl rand -base64 24`)',
    });
  return problems;
}

export interface MailRoleResult {
  name: string;
  created: boolean;
}

// Creates or updates the LOGIN role Postfix and Dovecot connect as: it may SELECT the four mail
// views and nothing else, and its sessions are read-only. Running it again resets the password
// and takes back anything else granted to the role meanwhile. The views run with their owner's
// rights, so the role needs no right on the tables behind them.
export async function ensureMailRole(em: EntityManager, name: string, password: string): Promise<MailRoleResult> {
  const problems = mailRoleProblems(name, password);
  if (problems.length > 0) throw AppError.validation(problems);
  return em.transactional(async (tx) => {
    const [self] = await tx.execute<{ me: string }[]>('select current_user as me');
    if (self?.me === name)
      throw new AppError('CONFLICT', `${name} is the role allmende itself connects as; choose another name`);
    const [existing] = await tx.execute<{ rolsuper: boolean; rolcreaterole: boolean }[]>(
      'select rolsuper, rolcreaterole from pg_roles where rolname = ?',
      [name],
    );
    if (existing?.rolsuper || existing?.rolcreaterole)
      throw new AppError('CONFLICT', `role ${name} exists and is a superuser or may create roles; not touching it`);
    // format() quotes the name (%I) and the password (%L) on the server.
    const statements = [
      existing
        ? 'alter role %I with login nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls password %L'
        : 'create role %I with login nosuperuser nocreatedb nocreaterole noinherit noreplication nobypassrls password %L',
      'alter role %I set default_transaction_read_only = on',
      'revoke all on all tables in schema public from %I',
      'revoke all on all sequences in schema public from %I',
      'revoke create on schema public from %I',
      'grant usage on schema public to %I',
      ...MAIL_VIEW_NAMES.map((view) => `grant select on ${view} to %I`),
    ];
    for (const template of statements) {
      const [row] = await tx.execute<{ sql: string }[]>('select format(?::text, ?::text, ?::text) as sql', [
        template,
        name,
        password,
      ]);
      if (!row) throw new Error('format() returned nothing');
      await tx.execute(row.sql).catch((err: unknown) => {
        // 42501: allmende's own database user may not create or change roles.
        if ((err as { code?: string }).code === '42501')
          throw new AppError(
            'FORBIDDEN',
            `the database refused (${(err as Error).message.split('\n')[0]}): allmende's database user needs CREATEROLE, or let an administrator run this`,
          );
        throw err;
      });
    }
    return { name, created: existing === undefined };
  });
}
