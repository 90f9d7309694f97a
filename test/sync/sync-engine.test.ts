import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMailmanClient } from '../../src/mailman-sync/mailman.client.fake.js';
import { HttpMailmanClient } from '../../src/mailman-sync/mailman.client.js';
import { MailmanError } from '../../src/mailman-sync/mailman-sync.errors.js';
import { MailmanSyncTarget } from '../../src/mailman-sync/mailman-sync.target.js';
import { SyncEngine } from '../../src/sync/sync-engine.service.js';
import { SyncRegistry } from '../../src/sync/sync-registry.js';
import { SyncWorker } from '../../src/sync/sync.worker.js';
import { createTestApp, loginAs, makeMember, runTarget, type TestApp } from '../support/test-app.js';

// The engine on a real PostgreSQL with an in-memory Mailman: locks, recording, health, triggers.
describe('sync engine', () => {
  let t: TestApp;
  let fake: FakeMailmanClient;
  let board: Awaited<ReturnType<typeof loginAs>>;

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_SYNC_DEBOUNCE_MS: '50' });
    fake = new FakeMailmanClient();
    fake.createList('intern@example.org');
    t.app.get(SyncRegistry).register(new MailmanSyncTarget(t.orm, fake, t.config, '0 3 * * *'));
    board = await loginAs(t, 'board', { privateEmail: 'board@example.net' });
    await makeMember(t, { privateEmail: 'a@example.net', state: 'active' });
    await makeMember(t, { privateEmail: 'b@example.net', state: 'active' });
    await board.post('/api/lists').send({ address: 'intern@example.org', source: 'active' });
    await t.app.get(SyncWorker).idle();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a change triggers a run that brings the roster in line', async () => {
    const deadline = Date.now() + 10_000;
    while (fake.emails('intern@example.org').length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(fake.emails('intern@example.org')).toEqual(['a@example.net', 'b@example.net', 'board@example.net']);
  });

  it('only the board sees the status; a member gets 403', async () => {
    const member = await loginAs(t, 'member', { privateEmail: 'member@example.net' });
    expect((await member.get('/api/sync')).status).toBe(403);
    const res = await board.get('/api/sync');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ target: 'mailman', health: 'ok', lastError: null })]);
    expect((await board.get('/api/sync/nope/plan')).status).toBe(404);
  });

  it('one failing item does not stop the others, and the run lists it', async () => {
    await t.app.get(SyncWorker).idle();
    fake.failFor.add('c@example.net');
    await makeMember(t, { privateEmail: 'c@example.net', state: 'active' });
    await makeMember(t, { privateEmail: 'd@example.net', state: 'active' });
    await t.app.get(SyncWorker).idle();
    const res = await board.post('/api/sync/mailman/run');
    expect(res.body.status).toBe('partial');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ item: 'intern@example.org: c@example.net', action: 'subscribe' }),
    ]);
    expect(fake.emails('intern@example.org')).toContain('d@example.net');
    expect((await board.get('/api/sync')).body[0].health).toBe('degraded');
    fake.failFor.clear();
    expect((await board.post('/api/sync/mailman/run')).body.status).toBe('ok');
  });

  it('a new address for two lists is subscribed one list after the other (at once they collide in Mailman)', async () => {
    await t.app.get(SyncWorker).idle();
    fake.createList('alle@example.org');
    expect((await board.post('/api/lists').send({ address: 'alle@example.org', source: 'active' })).status).toBe(201);
    await t.app.get(SyncWorker).idle();
    const lastRun = ((await board.get('/api/sync/mailman/runs?limit=1')).body as { id: number }[])[0]?.id ?? 0;
    fake.collideOnNewAddress = true;
    try {
      await makeMember(t, { privateEmail: 'neu@example.net', state: 'active' });
      await t.app.get(SyncWorker).idle();
      const run = await runTarget(board, 'mailman');
      expect(run.body).toMatchObject({ status: 'ok', errors: [] });
      expect(fake.emails('intern@example.org')).toContain('neu@example.net');
      expect(fake.emails('alle@example.org')).toContain('neu@example.net');
      // Also the run the new member's change triggered.
      const runs = (await board.get('/api/sync/mailman/runs?limit=10')).body as { id: number; status: string }[];
      const since = runs.filter((r) => r.id > lastRun);
      expect(since.length).toBeGreaterThanOrEqual(2);
      expect(since.map((r) => r.status)).toEqual(since.map(() => 'ok'));
    } finally {
      fake.collideOnNewAddress = false;
    }
  });

  it('one run per target at a time: a second one is refused while the first holds the lock', async () => {
    await t.app.get(SyncWorker).idle();
    fake.delayMs = 500;
    const engine = t.app.get(SyncEngine);
    const results = await Promise.allSettled([
      engine.run('mailman', 'manual'),
      new Promise((r) => setTimeout(r, 150)).then(() => engine.run('mailman', 'manual')),
    ]);
    fake.delayMs = 0;
    expect(results[0].status).toBe('fulfilled');
    expect(results[1].status).toBe('rejected');
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('in progress');
  });

  it('a target that is down fails the run (not every item), shows as failing, and recovers by the retry', async () => {
    await t.app.get(SyncWorker).idle();
    fake.down = true;
    await makeMember(t, { privateEmail: 'e@example.net', state: 'active' });
    await t.app.get(SyncWorker).idle();
    const res = await runTarget(board, 'mailman');
    expect(res.body).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('cannot reach Mailman'),
      errors: [],
    });
    const status = (await board.get('/api/sync')).body[0];
    expect(status).toMatchObject({ health: 'failing', consecutiveFailures: expect.any(Number) });
    expect(status.failingSince).not.toBeNull();
    fake.down = false;
    // Nobody runs it again by hand: the retry after the backoff brings the change over.
    const deadline = Date.now() + 40_000;
    while (!fake.emails('intern@example.org').includes('e@example.net') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(fake.emails('intern@example.org')).toContain('e@example.net');
    await t.app.get(SyncWorker).idle();
    expect((await board.get('/api/sync')).body[0]).toMatchObject({ health: 'ok', failingSince: null });
    const runs = await board.get('/api/sync/mailman/runs?limit=5');
    expect(runs.body[0]).toMatchObject({ status: 'ok', trigger: 'retry' });
  });

  it('a dry run shows what would change and changes nothing', async () => {
    await t.app.get(SyncWorker).idle();
    fake.lists.get('intern@example.org')?.delete('a@example.net');
    const plan = await board.get('/api/sync/mailman/plan');
    expect(plan.body.actions).toEqual([
      expect.objectContaining({
        kind: 'subscribe',
        item: 'intern@example.org: a@example.net',
        description: expect.stringContaining('subscribe'),
      }),
    ]);
    expect(fake.emails('intern@example.org')).not.toContain('a@example.net');
  });

  it('runs older than 30 days are deleted, newer ones stay', async () => {
    await t.orm.em.fork().execute(
      `insert into sync_run (target, trigger, status, started_at, ended_at, counts, errors, instance)
         values ('mailman', 'schedule', 'ok', now() - interval '31 days', now() - interval '31 days', '{}', '[]', 'old')`,
    );
    const before = (await board.get('/api/sync/mailman/runs?limit=100')).body.length;
    expect(await t.app.get(SyncWorker).purge()).toBe(1);
    expect((await board.get('/api/sync/mailman/runs?limit=100')).body.length).toBe(before - 1);
  });

  it('members opt themselves in to an opt-in list and land on it; nobody else opts them in but the board', async () => {
    fake.createList('kochen@example.org');
    const bad = await board.post('/api/lists').send({ address: 'kochen@example.org', source: 'group' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ field: 'group', message: 'required with source group' }]);
    const list = await board.post('/api/lists').send({ address: 'kochen@example.org', source: 'opt_in' });
    expect(list.status).toBe(201);
    const anna = await loginAs(t, 'member', { privateEmail: 'anna.koch@example.net' });
    const bert = await loginAs(t, 'member', { privateEmail: 'bert.koch@example.net' });
    expect((await anna.put(`/api/lists/${list.body.id}/opt-ins/${anna.member.id}`)).body).toEqual({ optedIn: true });
    expect((await anna.put(`/api/lists/${list.body.id}/opt-ins/${bert.member.id}`)).status).toBe(403);
    expect((await board.put(`/api/lists/${list.body.id}/opt-ins/${bert.member.id}`)).status).toBe(200);
    const intern = (await board.get('/api/lists')).body.find(
      (l: { address: string }) => l.address === 'intern@example.org',
    );
    expect((await anna.put(`/api/lists/${intern.id}/opt-ins/${anna.member.id}`)).status).toBe(409);
    const deadline = Date.now() + 10_000;
    while (fake.emails('kochen@example.org').length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(fake.emails('kochen@example.org')).toEqual(['anna.koch@example.net', 'bert.koch@example.net']);
    expect((await anna.delete(`/api/lists/${list.body.id}/opt-ins/${anna.member.id}`)).body).toEqual({
      optedIn: false,
    });
    const until = Date.now() + 10_000;
    while (fake.emails('kochen@example.org').length > 1 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    expect(fake.emails('kochen@example.org')).toEqual(['bert.koch@example.net']);
  });
});

describe('Mailman REST client on a misbehaving server', () => {
  let server: Server;
  let url: string;
  let mode: '500' | 'hang' | '401' = '500';

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (mode === 'hang') return; // never answers
      res.writeHead(mode === '401' ? 401 : 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ title: mode, description: 'boom' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = () => new HttpMailmanClient({ url, user: 'restadmin', password: 'wrong', timeoutMs: 300 });

  it('a 500 on a subscribe is an error of that item, not an outage', async () => {
    mode = '500';
    const err = await client()
      .subscribe('intern@example.org', 'a@example.net', 'A')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailmanError);
    expect((err as MailmanError).code).toBe('server_error');
    expect((err as MailmanError).targetDown).toBe(false);
  });

  it('no answer within the timeout is an outage', async () => {
    mode = 'hang';
    const err = await client()
      .roster('intern@example.org')
      .catch((e: unknown) => e);
    expect((err as MailmanError).code).toBe('timeout');
    expect((err as MailmanError).targetDown).toBe(true);
  });

  it('wrong REST credentials are an outage with a clear message', async () => {
    mode = '401';
    const err = await client()
      .roster('intern@example.org')
      .catch((e: unknown) => e);
    expect((err as MailmanError).message).toBe('Mailman refused the REST credentials (401)');
    expect((err as MailmanError).targetDown).toBe(true);
  });

  it('a closed port is an outage', async () => {
    const c = new HttpMailmanClient({ url: 'http://127.0.0.1:9', user: 'u', password: 'p', timeoutMs: 1000 });
    const err = await c.roster('intern@example.org').catch((e: unknown) => e);
    expect((err as MailmanError).code).toBe('unreachable');
  });
});
