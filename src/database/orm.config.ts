import { readFileSync } from 'node:fs';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config/config.js';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

export const MIGRATIONS_TABLE = 'allmende_migrations';

// The ORM options for a given connection URL. Migrations are compiled in (no file globbing at
// run time), so the same list works from TypeScript in tests and from dist/ in production.
export function ormOptions(url: string, config: Pick<AppConfig, 'database'>): Options {
  return defineConfig({
    clientUrl: url,
    entities,
    extensions: [Migrator],
    pool: { min: 0, max: config.database.poolMax },
    driverOptions: { ssl: sslOptions(config.database), connectionTimeoutMillis: 5000 },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    ensureDatabase: false,
    debug: false,
    migrations: {
      tableName: MIGRATIONS_TABLE,
      migrationsList,
      path: 'src/database/migrations',
      snapshot: true,
      snapshotName: '.snapshot-allmende',
      snapshotOnMigrate: false,
      silent: true,
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      fileName: (timestamp, name) => `migration-${timestamp}${name ? `-${name}` : ''}`,
    },
  });
}

export function sslOptions(db: AppConfig['database']): false | { rejectUnauthorized: boolean; ca?: string } {
  switch (db.tls) {
    case 'off':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify':
      return { rejectUnauthorized: true, ca: db.caFile ? readFileSync(db.caFile, 'utf8') : undefined };
  }
}
