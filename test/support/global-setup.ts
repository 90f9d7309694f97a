import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { portIsFree, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgDataDir: string;
  }
}

// One real PostgreSQL (the embedded one, as users get it) for the whole run; each test file
// makes its own database in it (see test-app.ts).
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'allmende-test-'));
  let port = 55000 + Math.floor(Math.random() * 5000);
  while (!(await portIsFree(port))) port++;
  const db = await startEmbeddedPostgres(dir, port, () => undefined, { database: 'postgres' });
  project.provide('pgAdminUrl', db.url);
  project.provide('pgDataDir', dir);
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
