import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/config.js';
import { PinoNestLogger } from '../core/logger.js';
import { DatabaseError } from '../database/database.errors.js';
import { migrate, openOrm, pendingMigrations, resolveDatabase } from '../database/database.js';

export interface CliContext {
  app: INestApplicationContext;
  orm: MikroORM;
}

// Runs fn with the services wired as in the server, on the same database the server uses
// (joining the embedded PostgreSQL if the server already runs it).
export async function withContext<T>(config: AppConfig, log: Logger, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const db = await resolveDatabase(config, (m) => log.debug({ component: 'postgres' }, m));
  try {
    const orm = await openOrm(db.url, config);
    try {
      if (config.migrateOnStart) await migrate(orm, db.url, config, (m) => log.info(m));
      const pending = await pendingMigrations(orm);
      if (pending.length > 0)
        throw new DatabaseError(
          'MIGRATIONS_PENDING',
          `migrations pending (${pending.join(', ')}); run \`allmende migrate\``,
        );
      const app = await NestFactory.createApplicationContext(
        AppModule.forRoot(config, orm, log, { runWorkers: false }),
        {
          logger: new PinoNestLogger(log.child({ component: 'nest' })),
          abortOnError: false,
        },
      );
      try {
        return await fn({ app, orm });
      } finally {
        await app.close();
      }
    } finally {
      await orm.close();
    }
  } finally {
    await db.stop();
  }
}
