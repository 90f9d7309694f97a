import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { AppConfig } from './config/config.js';
import { DatabaseError } from './database/database.errors.js';
import { migrate, openOrm, pendingMigrations, resolveDatabase } from './database/database.js';
import { isAlive } from './database/embedded-postgres.js';
import { createApp } from './server.js';

export interface RunningServer {
  app: NestFastifyApplication;
  url: string;
  stop(): Promise<void>;
}

// `allmende serve`: lock the data folder, start or reach PostgreSQL, migrate, listen.
export async function serve(config: AppConfig, log: Logger): Promise<RunningServer> {
  const started = performance.now();
  const pidFile = config.database.url === undefined ? await lockDataDir(config.dataDir) : undefined;
  const cleanups: (() => Promise<void>)[] = [];
  if (pidFile) cleanups.push(() => rm(pidFile, { force: true }));
  const stop = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err: unknown) => log.warn({ err }, 'error while stopping'));
  };
  try {
    const db = await resolveDatabase(config, (m) => log.debug({ component: 'postgres' }, m), 'server');
    cleanups.push(() => db.stop());
    if (db.embedded) log.info({ dataDir: config.dataDir }, 'using the embedded PostgreSQL');
    const orm = await openOrm(db.url, config);
    cleanups.push(() => orm.close());
    if (config.migrateOnStart) await migrate(orm, db.url, config, (m) => log.info(m));
    const pending = await pendingMigrations(orm);
    if (pending.length > 0) {
      throw new DatabaseError(
        'MIGRATIONS_PENDING',
        `migrations pending (${pending.join(', ')}); run \`allmende migrate\``,
      );
    }
    const app = await createApp(config, orm, log);
    cleanups.push(() => app.close());
    await app.listen({ port: config.http.port, host: config.http.host }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new DatabaseError(
          'DATA_DIR_IN_USE',
          `port ${config.http.port} on ${config.http.host} is in use (is allmende already running?); set ALLMENDE_PORT`,
        );
      }
      throw err;
    });
    log.info(
      { url: config.http.publicUrl, readyMs: Math.round(performance.now() - started) },
      `allmende is ready at ${config.http.publicUrl}`,
    );
    return { app, url: config.http.publicUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

// One server per data folder: the embedded cluster and its files are not for sharing.
// The pid file is created exclusively, so two starts at the same moment cannot both win.
async function lockDataDir(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, 'allmende.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new DatabaseError(
        'DATA_DIR_IN_USE',
        `allmende is already running (pid ${pid}) on the data folder ${dataDir}`,
      );
    }
    await rm(file, { force: true }); // left behind by a crash
  }
  throw new DatabaseError('DATA_DIR_IN_USE', `cannot lock the data folder ${dataDir} (${file})`);
}
