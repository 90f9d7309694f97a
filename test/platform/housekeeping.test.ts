import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HousekeepingService } from '../../src/core/housekeeping.service.js';
import { createTestApp, loginAs, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('housekeeping', () => {
  it('removes sessions ended over 30 days ago and old rate-limit counters, and keeps the rest', async () => {
    const agent = await loginAs(t, 'member');
    const em = t.orm.em.fork();
    const [live] = await em.execute<{ id: string }[]>('select id from session where member_id = ?', [agent.member.id]);
    // An old expired session, an old revoked one, a recently revoked one (kept for the export).
    await em.execute(
      `insert into session (id, token_hash, member_id, created_at, last_seen_at, expires_at, revoked_at) values
        (gen_random_uuid(), repeat('a', 64), ?, now() - interval '90 days', now() - interval '90 days', now() - interval '60 days', null),
        (gen_random_uuid(), repeat('b', 64), ?, now() - interval '90 days', now() - interval '90 days', now() + interval '1 day', now() - interval '31 days'),
        (gen_random_uuid(), repeat('c', 64), ?, now() - interval '2 days', now() - interval '2 days', now() + interval '1 day', now() - interval '1 day')`,
      [agent.member.id, agent.member.id, agent.member.id],
    );
    await em.execute(
      `insert into rate_limit_bucket (key, window_start, count) values ('login:account:old', now() - interval '2 days', 3),
        ('login:account:new', now(), 1)`,
    );

    const removed = await t.app.get(HousekeepingService).run();

    expect(removed).toEqual({ sessions: 2, buckets: 1 });
    const sessions = await em.execute<{ token_hash: string; id: string }[]>(
      'select id, token_hash from session where member_id = ?',
      [agent.member.id],
    );
    expect(sessions.map((s) => s.token_hash).sort()).toEqual(expect.arrayContaining([repeat('c')]));
    expect(sessions.map((s) => s.id)).toContain(live?.id);
    expect(sessions).toHaveLength(2);
    const buckets = await em.execute<{ key: string }[]>('select key from rate_limit_bucket order by key');
    expect(buckets.map((b) => b.key)).toEqual(['login:account:new']);
    // The member is still logged in.
    expect((await agent.get('/api/me')).status).toBe(200);
  });
});

function repeat(c: string): string {
  return c.repeat(64);
}
