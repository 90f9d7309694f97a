import 'reflect-metadata';
import { Command } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadEnv, parseConfig, type AppConfig } from '../config/config.js';
import { createLogger } from '../core/logger.js';
import { DatabaseError } from '../database/database.errors.js';
import { AppError } from '../core/app.errors.js';
import { registerAdminCommands } from './admin.command.js';
import { registerMemberCommands } from './members.command.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerServeCommand } from './serve.command.js';
import { registerOpenApiCommand } from './openapi.command.js';
import { registerSyncCommands } from './sync.command.js';
import { registerDirectoryCommands } from './directory.command.js';

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

registerServeCommand(program, env);
registerMigrateCommand(program, env);
registerAdminCommands(program, env);
registerMemberCommands(program, env);
registerOpenApiCommand(program, env);
registerSyncCommands(program, env);
registerDirectoryCommands(program, env);

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
