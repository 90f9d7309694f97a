import type { Command } from 'commander';
import { migrate, openOrm, pendingMigrations, resolveDatabase } from '../database/database.js';
import type { CliEnv } from './main.js';

export function registerMigrateCommand(program: Command, env: CliEnv): void {
  program
    .command('migrate')
    .description('apply pending database migrations (also done at start unless ALLMENDE_MIGRATE_ON_START=false)')
    .option('--status', 'list pending migrations without applying them')
    .option('--check', 'exit 1 if the entities differ from what the migrations create (for CI)')
    .option('--create [name]', 'write a new migration from the entity changes (developers)')
    .action(async (opts: { status?: boolean; check?: boolean; create?: string | boolean }) => {
      const config = { ...env.config(), migrateOnStart: false };
      const log = env.quietLog();
      const db = await resolveDatabase(config, (m) => log.debug(m));
      try {
        const orm = await openOrm(db.url, config);
        try {
          if (opts.status) {
            const pending = await pendingMigrations(orm);
            console.log(
              pending.length === 0 ? 'no pending migrations' : `pending:\n${pending.map((p) => `  ${p}`).join('\n')}`,
            );
            return;
          }
          await migrate(orm, db.url, config, (m) => console.log(m));
          if (opts.check || opts.create) {
            const needed = await orm.migrator.checkSchema();
            if (opts.check) {
              console.log(
                needed
                  ? 'entities and migrations DIFFER: run `npm run migration:create`'
                  : 'entities and migrations agree',
              );
              if (needed) process.exitCode = 1;
              return;
            }
            const name = typeof opts.create === 'string' ? opts.create : undefined;
            const result = await orm.migrator.create(undefined, false, false, name);
            console.log(
              result.fileName
                ? `wrote src/database/migrations/${result.fileName}; add it to migrations/index.ts`
                : 'no changes',
            );
            return;
          }
          console.log('database is up to date');
        } finally {
          await orm.close();
        }
      } finally {
        await db.stop();
      }
    });
}
