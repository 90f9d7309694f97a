import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { openApiJson } from '../openapi-document.js';
import type { CliEnv } from './main.js';

export function registerOpenApiCommand(program: Command, env: CliEnv): void {
  program
    .command('openapi')
    .description('write the OpenAPI document (committed as openapi.json; CI checks it is current)')
    .option('--out <file>', 'file to write', 'openapi.json')
    .action(async (opts: { out: string }) => {
      await writeFile(opts.out, await openApiJson(env.quietLog()));
      console.log(`wrote ${opts.out}`);
    });
}
