import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { pino } from 'pino';
import supertest from 'supertest';
import { inject } from 'vitest';
import { AuthService } from '../../src/auth/auth.service.js';
import { parseConfig, type AppConfig } from '../../src/config/config.js';
import { systemActor } from '../../src/core/actor.js';
import { migrate, openOrm } from '../../src/database/database.js';
import { MemberIntakeService } from '../../src/members/member-intake.service.js';
import { MembersService } from '../../src/members/members.service.js';
import type { IntakeInput } from '../../src/members/members.schemas.js';
import { createApp } from '../../src/server.js';

export const PUBLIC_URL = 'http://allmende.test';
export const PASSWORD = 'ein sehr langes Passwort';

// A fresh database in the shared test cluster, migrated like production.
export async function freshDatabase(): Promise<string> {
  const admin = new URL(inject('pgAdminUrl'));
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  admin.pathname = `/${name}`;
  return admin.toString();
}

export interface TestApp {
  app: NestFastifyApplication;
  orm: MikroORM;
  config: AppConfig;
  url: string;
  http: ReturnType<typeof supertest>;
  close(): Promise<void>;
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const url = await freshDatabase();
  // Its own data folder: without SMTP the outbox writes .eml files there, never into ./var.
  const dataDir = mkdtempSync(join(tmpdir(), 'allmende-test-'));
  const config = parseConfig({
    DATABASE_URL: url,
    ALLMENDE_DATA_DIR: dataDir,
    ALLMENDE_PUBLIC_URL: PUBLIC_URL,
    ALLMENDE_LOG_LEVEL: 'silent',
    ...env,
  });
  const orm = await openOrm(url, config);
  await migrate(orm, url, config, () => undefined);
  const app = await createApp(config, orm, pino({ level: 'silent' }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    orm,
    config,
    url,
    http: supertest(app.getHttpServer()),
    close: async () => {
      await app.close();
      await orm.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

// A member taken in by the board; with `password` and `state: 'active'` they can log in.
export async function makeMember(
  t: TestApp,
  overrides: Partial<IntakeInput> & { password?: string; state?: 'active' | 'registered' } = {},
): Promise<{ id: number; username: string }> {
  counter++;
  const { password, state, ...input } = overrides;
  const actor = systemActor('test');
  const member = await t.app.get(MemberIntakeService).intake(actor, {
    firstName: `Vorname${counter}`,
    lastName: `Nachname${counter}`,
    ...input,
  });
  if (password) {
    await t.orm.em.fork().transactional(async (em) => {
      const m = await t.app.get(MembersService).requireMember(em, member.id);
      await t.app.get(AuthService).setPassword(em, actor, m, password);
    });
  }
  if (state) await t.app.get(MembersService).changeState(actor, member.id, state);
  return { id: member.id, username: member.username };
}

// Logs in through the API and returns an agent that sends the session cookie and our Origin.
export async function loginAs(
  t: TestApp,
  role: 'member' | 'helper' | 'board' | 'admin',
  overrides: Partial<IntakeInput> = {},
) {
  const groups = role === 'member' ? [] : [role === 'helper' ? 'helpers' : role === 'board' ? 'board' : 'admins'];
  const m = await makeMember(t, { ...overrides, groups, password: PASSWORD, state: 'active' });
  const res = await t.http.post('/api/auth/login').send({ login: m.username, password: PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
  const withAuth = (req: supertest.Test) => req.set('Cookie', cookie).set('Origin', PUBLIC_URL);
  return {
    member: m,
    cookie,
    get: (path: string) => withAuth(t.http.get(path)),
    post: (path: string) => withAuth(t.http.post(path)),
    patch: (path: string) => withAuth(t.http.patch(path)),
    put: (path: string) => withAuth(t.http.put(path)),
    delete: (path: string) => withAuth(t.http.delete(path)),
    // A browser's page: HTML accepted, so a missing login or right answers with a page.
    page: (path: string) => withAuth(t.http.get(path)).set('Accept', 'text/html'),
    // A browser's form post from one of our pages: the session, the form token and its cookie.
    form: (path: string, fields: Record<string, string | string[]>) => postForm(t, path, fields, { cookie }),
  };
}

// Any well-formed token works as long as cookie and field agree (double submit, see src/web/csrf.ts).
export const TEST_CSRF = 'test-csrf-token-0123456789abcdefghijklmnopq';

export function postForm(
  t: TestApp,
  path: string,
  fields: Record<string, string | string[]>,
  opts: { cookie?: string; origin?: string; csrf?: string | null } = {},
) {
  const cookies = [`allmende_csrf=${TEST_CSRF}`, ...(opts.cookie ? [opts.cookie] : [])];
  const csrf = opts.csrf === undefined ? TEST_CSRF : opts.csrf;
  return t.http
    .post(path)
    .type('form')
    .set('Accept', 'text/html')
    .set('Origin', opts.origin ?? PUBLIC_URL)
    .set('Cookie', cookies.join('; '))
    .send(csrf === null ? fields : { ...fields, _csrf: csrf });
}

// "Run now" answers 409 while another run of the target is going (e.g. the worker's, started by
// the change the test just made): wait for that one to end, then run.
export async function runTarget(client: { post(path: string): supertest.Test }, target: string) {
  for (let attempt = 0; attempt < 300; attempt++) {
    const res = await client.post(`/api/sync/${target}/run`);
    if (res.status !== 409) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the ${target} target stayed busy for 30 s`);
}
