import 'reflect-metadata';
import { Command } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadEnv, parseConfig, type AppConfig } from '../config/config.js';
import { createLogger } from '../core/logger.js';
import { DatabaseError } from '../database/database.errors.js';
import { AppError } from '../core/app.errors.js';
import { registerJabberCommands } from './jabber.command.js';

export interface CliEnv {
  config(): AppConfig;
  // Human-facing CLI commands log warnings only, to stderr; `serve` logs JSON to stdout.
  quietLog(verbose?: boolean): pino.Logger;
  serverLog(config: AppConfig): pino.Logger;
}

const env: CliEnv = {
  config: () => parseConfig(loadEnv()),
  quietLog: (verbose) => pino({ level: verbose ? 'info' : 'warn' }, pino.destination(2)),
  serverLog: (config) => createLogger(config.logLevel),
};

const program = new Command()
  .name('allmende')
  .description(
    'The member register and hub of a club’s infrastructure.\nConfiguration comes from the environment and ./.env (see the README).',
  )
  .showHelpAfterError()
  .version('0.1.0');

// `allmende jabber …` loads neither Nest nor MikroORM: ejabberd keeps one extauth program per pool
// slot running for as long as it runs (with everything loaded: ~200 MB each and ~1.8 s to start).
if (process.argv[2] !== 'jabber') {
  const commands = await Promise.all([
    import('./serve.command.js').then((m) => m.registerServeCommand),
    import('./migrate.command.js').then((m) => m.registerMigrateCommand),
    import('./admin.command.js').then((m) => m.registerAdminCommands),
    import('./members.command.js').then((m) => m.registerMemberCommands),
    import('./openapi.command.js').then((m) => m.registerOpenApiCommand),
    import('./mail-wiring.command.js').then((m) => m.registerMailWiringCommands),
    import('./sync.command.js').then((m) => m.registerSyncCommands),
    import('./directory.command.js').then((m) => m.registerDirectoryCommands),
    import('./calendar.command.js').then((m) => m.registerCalendarCommands),
  ]);
  for (const register of commands) register(program, env);
}
registerJabberCommands(program, env);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exit(reportError(err));
}

// Known errors get one clear line and exit 1; anything else its stack too.
function reportError(err: unknown): number {
  if (err instanceof ConfigError) {
    console.error(`allmende: ${err.message}`);
    return 2;
  }
  if (err instanceof DatabaseError || err instanceof AppError) {
    const fields = err instanceof AppError ? (err.details?.fields ?? []) : [];
    console.error(`allmende: ${err.message}`);
    for (const f of fields) console.error(`  ${f.field}: ${f.message}`);
    return 1;
  }
  console.error('allmende: unexpected error:', err);
  return 1;
}
