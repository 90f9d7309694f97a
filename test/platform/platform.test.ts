import { MAIL_VIEW_NAMES } from '../../src/mail/mail-views.sql.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiJson } from '../../src/openapi-document.js';
import { createTestApp, loginAs, PASSWORD, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

interface AuditRow {
  action: string;
  subject: string | null;
  actor_label: string;
  client_address: string | null;
}

let t: TestApp;
let board: Agent;

beforeAll(async () => {
  t = await createTestApp();
  board = await loginAs(t, 'board', { firstName: 'Rosa', lastName: 'Luxemburg' });
});
afterAll(() => t.close());

async function auditRows(where = 'true', params: unknown[] = []): Promise<AuditRow[]> {
  return t.orm.em
    .fork()
    .execute<AuditRow[]>(
      `select action, subject, actor_label, client_address from audit_log where ${where} order by id`,
      params,
    );
}

describe('health', () => {
  it('GET /health/live answers 200 without logging in', async () => {
    const res = await t.http.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /health/ready answers 200 with the database and the migrations ok', async () => {
    const res = await t.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
  });
});

describe('metrics', () => {
  it('GET /metrics answers Prometheus text with the request histogram', async () => {
    await t.http.get('/health/live');
    const res = await t.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE allmende_http_request_duration_seconds histogram');
    expect(res.text).toMatch(/^allmende_http_request_duration_seconds_bucket\{.*route="\/health\/live".*\} \d+$/m);
  });

  describe('with ALLMENDE_METRICS_TOKEN set', () => {
    const token = 'x'.repeat(20);
    let secured: TestApp;

    beforeAll(async () => {
      secured = await createTestApp({ ALLMENDE_METRICS_TOKEN: token });
    });
    afterAll(() => secured.close());

    it.each([
      ['no token', undefined, 401],
      ['a wrong token', `Bearer ${'y'.repeat(20)}`, 401],
      ['the token without "Bearer"', token, 401],
      ['the token', `Bearer ${token}`, 200],
    ])('GET /metrics with %s answers %i', async (_, authorization, status) => {
      let req = secured.http.get('/metrics');
      if (authorization !== undefined) req = req.set('Authorization', authorization);
      const res = await req;
      expect(res.status).toBe(status);
      if (status === 200) expect(res.text).toContain('allmende_http_request_duration_seconds');
      else expect(res.text).not.toContain('allmende_http_request_duration_seconds');
    });
  });
});

describe('audit log', () => {
  it.each([
    ['update audit_log set action = ?', ['x']],
    ['delete from audit_log', []],
    ['truncate audit_log', []],
  ])('is append-only: "%s" raises an error and changes nothing', async (sql, params) => {
    const before = await auditRows();
    expect(before.length).toBeGreaterThan(0);
    await expect(t.orm.em.fork().execute(sql, params)).rejects.toThrow(/append-only/);
    expect(await auditRows()).toEqual(before);
  });

  describe('every write leaves a row naming the action, the subject and who did it', () => {
    let memberId: number;

    beforeAll(async () => {
      const res = await board.post('/api/members').send({ firstName: 'Auditiert', lastName: 'Mitglied' });
      expect(res.status).toBe(201);
      memberId = res.body.id as number;
    });

    const cases: [string, () => Promise<{ status: number }>, string, () => string][] = [
      [
        'intake',
        () => board.post('/api/members').send({ firstName: 'Noch', lastName: 'Eins' }),
        'member.intake',
        () => 'member:',
      ],
      [
        'change',
        () => board.patch(`/api/members/${memberId}`).send({ displayName: 'Audi Tiert' }),
        'member.update',
        () => `member:${memberId}`,
      ],
      [
        'status',
        () => board.post(`/api/members/${memberId}/status`).send({ status: 'supporter' }),
        'member.status',
        () => `member:${memberId}`,
      ],
      [
        'state',
        () => board.post(`/api/members/${memberId}/state`).send({ state: 'active' }),
        'member.state',
        () => `member:${memberId}`,
      ],
      [
        'group add',
        () => board.put(`/api/members/${memberId}/groups/helpers`),
        'group.add',
        () => `member:${memberId}`,
      ],
      [
        'group remove',
        () => board.delete(`/api/members/${memberId}/groups/helpers`),
        'group.remove',
        () => `member:${memberId}`,
      ],
      [
        'group create',
        () => board.post('/api/groups').send({ slug: 'kitchen', name: 'Kitchen' }),
        'group.create',
        () => 'group:kitchen',
      ],
      [
        'history read',
        () => board.get(`/api/members/${memberId}/history`),
        'member.history.read',
        () => `member:${memberId}`,
      ],
      ['export', () => board.get(`/api/members/export`), 'member.export', () => ''],
    ];

    it.each(cases)('%s', async (_, request, action, subject) => {
      const before = (await auditRows('action = ?', [action])).length;
      const res = await request();
      expect(res.status).toBeLessThan(300);
      const rows = await auditRows('action = ?', [action]);
      expect(rows).toHaveLength(before + 1);
      const row = rows.at(-1);
      expect(row?.subject ?? '').toContain(subject());
      expect(row?.actor_label).toBe(board.member.username);
      expect(row?.client_address).toBeTruthy();
    });

    it('a write that fails leaves no row', async () => {
      await board.post('/api/members').send({ firstName: 'Dop', lastName: 'Pelt', privateEmail: 'twice@example.org' });
      const before = await auditRows();
      const res = await board
        .post('/api/members')
        .send({ firstName: 'Dop', lastName: 'Pelt', privateEmail: 'twice@example.org' });
      expect(res.status).toBe(409);
      expect(await auditRows()).toEqual(before);
    });

    it('logins, failed and successful, are on record', async () => {
      await t.http.post('/api/auth/login').send({ login: board.member.username, password: 'definitely wrong' });
      await t.http.post('/api/auth/login').send({ login: board.member.username, password: PASSWORD });
      const rows = await auditRows("action like 'auth.login%' and subject = ?", [`member:${board.member.id}`]);
      expect(rows.slice(-2).map((r) => r.action)).toEqual(['auth.login.failed', 'auth.login']);
    });
  });
});

describe('HTTP', () => {
  it.each([
    ['a health probe', '/health/live', 200],
    ['an API call without login', '/api/members', 401],
    ['an unknown route', '/no/such/route', 404],
  ])('%s carries the security headers', async (_, path, status) => {
    const res = await t.http.get(path);
    expect(res.status).toBe(status);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it.each([
    ['GET', '/no/such/route'],
    ['POST', '/api/no-such-thing'],
    ['DELETE', '/api/members/1/nothing'],
  ])('%s %s answers 404 as JSON', async (method, path) => {
    const res = await t.http[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('schema and API description', () => {
  it('entities and migrations agree (a failure means: entities and migrations disagree: run npm run migration:create)', async () => {
    const needed = await t.orm.migrator.checkSchema();
    expect(needed, 'entities and migrations disagree: run npm run migration:create').toBe(false);
  });

  it('the migrated database has the schema the entities describe (a failure means: entities and migrations disagree: run npm run migration:create)', async () => {
    const sql = await t.orm.schema.getUpdateSchemaSQL({ wrap: false });
    // Hand-written in the migrations, not declared by entities: the append-only trigger on
    // audit_log, the sync notifications (0005-sync: `<table>_sync_notify`) and the views Postfix and
    // Dovecot read, and the calendar's constraints (0010-calendar: the exclusion constraint that
    // keeps bookings of one resource from overlapping, and two checks; 0011: the feed counter's
    // triggers).
    const handWritten = new RegExp(
      [
        'audit_log_no_update',
        'audit_log_audit_log_no_update_fn',
        '_sync_notify',
        ...MAIL_VIEW_NAMES,
        'booking_no_overlap',
        'booking_during_check',
        'calendar_resource_one_check',
        '_feed_bump',
      ].join('|'),
    );
    const statements = sql
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s !== '' && !handWritten.test(s));
    expect(statements, 'entities and migrations disagree: run npm run migration:create').toEqual([]);
  });

  it('the committed openapi.json is the generated document', async () => {
    const file = fileURLToPath(new URL('../../openapi.json', import.meta.url));
    if (!existsSync(file)) {
      expect.fail(
        'openapi.json does not exist: run `npm run openapi` (it runs the build in dist/, so `npm run build` first) and commit it',
      );
    }
    const generated = await openApiJson(pino({ level: 'silent' }));
    const committed = readFileSync(file, 'utf8');
    const stale = 'openapi.json is out of date: run `npm run openapi` (after `npm run build`) and commit it';
    expect(JSON.parse(committed), stale).toEqual(JSON.parse(generated));
    expect(committed, stale).toBe(generated);
  });
});
