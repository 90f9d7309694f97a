import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAILMAN_PROGRAMS, MailmanLab, sleep } from '../support/lab-services.js';
import { describeLab } from '../support/lab.js';
import { SyncWorker } from '../../src/sync/sync.worker.js';
import { createTestApp, loginAs, makeMember, runTarget, type TestApp } from '../support/test-app.js';

// Against Debian's real Mailman 3 core: rosters follow the member register, by the change
// triggers, and converge after Mailman was down.
describeLab('mailman', MAILMAN_PROGRAMS, () => {
  let lab: MailmanLab;
  let t: TestApp;
  let board: Awaited<ReturnType<typeof loginAs>>;
  const active: { id: number; email: string }[] = [];

  // A failure names what the worker did meanwhile: the target's recent runs with their errors.
  async function until(what: string, check: () => Promise<boolean>, ms = 45_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(100);
    }
    const runs = await board.get('/api/sync/mailman/runs');
    throw new Error(`not within ${ms} ms: ${what}; recent runs: ${JSON.stringify(runs.body, null, 1)}`);
  }

  beforeAll(async () => {
    lab = await MailmanLab.create();
    await lab.start();
    await lab.createList('intern@example.org');
    await lab.createList('vorstand@example.org');
    t = await createTestApp({
      ALLMENDE_MAILMAN_URL: lab.url,
      ALLMENDE_MAILMAN_USER: lab.user,
      ALLMENDE_MAILMAN_PASSWORD: lab.password,
      ALLMENDE_MAILMAN_TIMEOUT_MS: '5000',
      ALLMENDE_SYNC_DEBOUNCE_MS: '100',
    });
    board = await loginAs(t, 'board', { privateEmail: 'vorstand.eins@example.net' });
    active.push({ id: board.member.id, email: 'vorstand.eins@example.net' });
    for (const n of [1, 2, 3]) {
      const email = `mitglied${n}@example.net`;
      const m = await makeMember(t, {
        privateEmail: email,
        state: 'active',
        firstName: `Anna${n}`,
        lastName: 'Muster',
      });
      active.push({ id: m.id, email });
    }
    await makeMember(t, { privateEmail: 'noch.nicht@example.net' }); // invited: on no list
    // Someone the list admins added by hand.
    await lab.rest('POST', '/members', {
      list_id: 'intern.example.org',
      subscriber: 'gast@example.com',
      display_name: 'Gast',
      pre_verified: true,
      pre_confirmed: true,
      pre_approved: true,
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await lab?.destroy();
  }, 60_000);

  it('a run makes the rosters equal the desired set, reports a missing list, and leaves a hand-added guest', async () => {
    for (const body of [
      { address: 'intern@example.org', source: 'active' },
      { address: 'vorstand@example.org', source: 'group', group: 'board' },
      { address: 'gibtsnicht@example.org', source: 'active' },
    ]) {
      expect((await board.post('/api/lists').send(body)).status).toBe(201);
    }
    // Configuring the lists is a change: the trigger runs the target without being asked. Right
    // after Mailman's start its runners still load and a busy CI machine may time a request out:
    // then the worker's retry brings the rosters over, which may take its backoff (5 s, 10 s, …).
    await until(
      'the rosters follow',
      async () => (await lab.emails('intern@example.org')).length === active.length + 1,
      60_000,
    );
    await t.app.get(SyncWorker).idle();
    const plan = await board.get('/api/sync/mailman/plan');
    expect(plan.status).toBe(200);
    expect(plan.body.actions).toEqual([]);
    expect(plan.body.problems).toEqual([
      { item: 'gibtsnicht@example.org', message: expect.stringContaining('does not exist in Mailman') },
    ]);

    const run = await runTarget(board, 'mailman');
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('partial');
    expect(run.body.errors).toEqual([
      expect.objectContaining({ item: 'gibtsnicht@example.org', message: expect.stringContaining('does not exist') }),
    ]);
    expect(await lab.emails('intern@example.org')).toEqual([...active.map((a) => a.email), 'gast@example.com'].sort());
    expect(await lab.emails('vorstand@example.org')).toEqual(['vorstand.eins@example.net']);
    const roster = await lab.roster('intern@example.org');
    expect(roster.find((m) => m.email === 'mitglied1@example.net')?.displayName).toBe('Anna1 Muster');
  }, 90_000);

  it('adding a member to the board group subscribes them to vorstand@ within seconds (trigger, no run by hand)', async () => {
    const m = active[1];
    const res = await board.put(`/api/members/${m?.id}/groups/board`);
    expect(res.status).toBe(200);
    await until('vorstand@ has the new board member', async () =>
      (await lab.emails('vorstand@example.org')).includes(m?.email ?? ''),
    );
  }, 90_000);

  it('a suspended member leaves the lists; the hand-added guest stays', async () => {
    const m = active[2];
    expect((await board.post(`/api/members/${m?.id}/state`).send({ state: 'suspended' })).status).toBe(200);
    await until(
      'suspended member unsubscribed',
      async () => !(await lab.emails('intern@example.org')).includes(m?.email ?? ''),
    );
    expect(await lab.emails('intern@example.org')).toContain('gast@example.com');
  }, 90_000);

  it('with Mailman stopped the target fails and shows it; after the restart the roster converges by itself', async () => {
    await lab.stop();
    const m = await makeMember(t, { privateEmail: 'spaet@example.net', state: 'active' });
    const run = await runTarget(board, 'mailman');
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('failed');
    expect(run.body.error).toMatch(/cannot reach Mailman/);
    const status = await board.get('/api/sync');
    const mailman = status.body.find((s: { target: string }) => s.target === 'mailman');
    expect(mailman.health).toBe('failing');
    expect(mailman.failingSince).not.toBeNull();
    expect(mailman.nextRetryAt).not.toBeNull();

    await lab.start();
    // Nobody asks for a run: the retry with backoff brings the change over.
    await until(
      'the member added while Mailman was down is subscribed',
      async () => (await lab.emails('intern@example.org')).includes('spaet@example.net'),
      60_000,
    );
    await until('the target is healthy again', async () => {
      const s = await board.get('/api/sync');
      return s.body.find((x: { target: string }) => x.target === 'mailman')?.failingSince === null;
    });
    const runs = await board.get('/api/sync/mailman/runs?limit=50');
    expect(runs.body.some((r: { trigger: string; status: string }) => r.status === 'failed')).toBe(true);
    expect(m.id).toBeGreaterThan(0);
  }, 120_000);
});
