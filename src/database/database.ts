import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { AppConfig } from '../config/config.js';
import { DatabaseError } from './database.errors.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { ormOptions, sslOptions } from './orm.config.js';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

// DATABASE_URL if given, else the embedded cluster under the data folder.
export async function resolveDatabase(
  config: AppConfig,
  log: (m: string) => void,
  role: 'server' | 'cli' = 'cli',
): Promise<ResolvedDatabase> {
  if (config.database.url !== undefined) {
    return { url: config.database.url, embedded: false, stop: () => Promise.resolve() };
  }
  const db = await startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, log, { role });
  return { url: db.url, embedded: true, stop: () => db.stop() };
}

export async function openOrm(url: string, config: Pick<AppConfig, 'database'>): Promise<MikroORM> {
  await assertReachable(url, config);
  return MikroORM.init(ormOptions(url, config));
}

// One quick connection first, so a wrong URL fails with a message that names the server.
export async function assertReachable(url: string, config: Pick<AppConfig, 'database'>): Promise<void> {
  const client = new pg.Client(clientOptions(url, config));
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new DatabaseError('UNREACHABLE', `cannot reach PostgreSQL at ${redact(url)}: ${describe(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const MIGRATION_LOCK = 'allmende:migrations';

// Applies pending migrations; several instances starting at once queue on an advisory lock.
export async function migrate(
  orm: MikroORM,
  url: string,
  config: Pick<AppConfig, 'database'>,
  log: (m: string) => void,
): Promise<string[]> {
  return withAdvisoryLock(url, config, MIGRATION_LOCK, async () => {
    const applied = await orm.migrator.up();
    for (const m of applied) log(`applied migration ${m.name}`);
    return applied.map((m) => m.name);
  });
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.migrator.getPending()).map((m) => m.name);
}

// A session-level lock on a connection of its own, held while fn runs on the ORM's pool.
export async function withAdvisoryLock<T>(
  url: string,
  config: Pick<AppConfig, 'database'>,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const client = new pg.Client(clientOptions(url, config));
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [name]);
    return await fn();
  } finally {
    await client.end(); // ends the session, which releases the lock
  }
}

function clientOptions(url: string, config: Pick<AppConfig, 'database'>): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: 5000,
    ssl: sslOptions(config.database),
  };
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function describe(err: unknown): string {
  if (err instanceof AggregateError) return err.errors.map(describe).join('; ');
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message || String(code);
  }
  return String(err);
}
