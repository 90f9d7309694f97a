#!/usr/bin/env node
// The `allmende` command. allmende needs Node.js 24; the project installs it as the npm package
// `node`, so on an older system Node this re-runs itself with that one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
const bundled = join(root, 'node_modules', 'node', 'bin', 'node');

if (major < 24 && existsSync(bundled) && process.env.ALLMENDE_NODE_REEXEC !== '1') {
  const result = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ALLMENDE_NODE_REEXEC: '1' },
  });
  process.exit(result.status ?? 1);
}
if (major < 24) {
  console.error(`allmende needs Node.js 24 or newer (this is ${process.version}); run \`npm install\` in ${root}`);
  process.exit(1);
}
const main = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error(`allmende is not built yet: run \`npm install\` (or \`npm run build\`) in ${root}`);
  process.exit(1);
}
await import(main);
