import type { Command } from 'commander';
import { serve } from '../serve.js';
import type { CliEnv } from './main.js';

export function registerServeCommand(program: Command, env: CliEnv): void {
  program
    .command('serve')
    .description('start the web server and API (with the embedded PostgreSQL unless DATABASE_URL is set)')
    .action(async () => {
      const config = env.config();
      const log = env.serverLog(config);
      const server = await serve(config, log);
      process.stderr.write(
        `\nallmende is running at ${server.url}  (API docs: ${server.url}/api/docs)\n` +
          `Create the first admin with:  npx allmende admin create --first-name Ada --last-name Lovelace --email ada@example.org\n` +
          `Stop with Ctrl-C.\n\n`,
      );
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down: finishing open requests');
        void server.stop().then(() => {
          log.info('stopped');
          process.exit(0);
        });
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}
