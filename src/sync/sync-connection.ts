import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { AppConfig } from '../config/config.js';
import { sslOptions } from '../database/orm.config.js';

// A connection of its own, beside the ORM's pool: it holds a target's advisory lock for a run
// (the lock lives as long as the session) or LISTENs for changes.
export async function dedicatedConnection(orm: MikroORM, config: Pick<AppConfig, 'database'>): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: orm.config.get('clientUrl'),
    ssl: sslOptions(config.database),
    connectionTimeoutMillis: 5000,
  });
  // An error on an idle connection (server restart) must not crash the process; the user sees it
  // through the next query or the 'end' event.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
