import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnnouncementsService } from '../../src/calendar/announcements.service.js';
import { CalendarWorker } from '../../src/calendar/calendar.worker.js';
import { systemActor } from '../../src/core/actor.js';
import { OutboxService } from '../../src/notifications/outbox.service.js';
import { renderMail } from '../../src/notifications/templates/templates.js';
import { createTestApp, loginAs, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('announcements and the daily booking job', () => {
  let t: TestApp;
  let board: Agent;
  let rosa: Agent;
  let room: number;

  beforeAll(async () => {
    t = await createTestApp({
      ALLMENDE_CALENDAR_ANNOUNCE_TO: 'mitglieder@lists.hackspace.example',
      ALLMENDE_CALENDAR_ANNOUNCE_DAYS: '14',
      ALLMENDE_CALENDAR_HORIZON_MONTHS: '2',
      ALLMENDE_DEFAULT_LANGUAGE: 'de',
    });
    board = await loginAs(t, 'board');
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg' });
    const place = await board.post('/api/locations').send({ name: 'Vortragsraum' });
    room = (await board.post('/api/calendar/resources').send({ locationId: place.body.id })).body.id;
    for (const [title, offset, visibility] of [
      ['Plenum', 3, 'public'],
      ['Lötworkshop', 5, 'public'],
      ['Vorstandssitzung', 6, 'members'],
      ['Später', 40, 'public'],
    ] as const) {
      const res = await rosa.post('/api/events').send({
        title,
        visibility,
        start: `${day(offset)}T19:00`,
        end: `${day(offset)}T21:00`,
        resourceIds: title === 'Plenum' ? [room] : [],
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('queues a mail of the coming public events to the configured list, on demand', async () => {
    expect((await rosa.post('/api/calendar/announce').send({})).status).toBe(403);
    const res = await board.post('/api/calendar/announce').send({});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ queued: true, to: 'mitglieder@lists.hackspace.example', events: 2 });
    const [row] = await t.orm.em
      .fork()
      .execute<{ to_address: string; subject: string; data: Record<string, string> | null; message_id: string }[]>(
        "select to_address, subject, data, message_id from outbox_mail where template = 'calendar-announcement'",
      );
    expect(row?.to_address).toBe('mitglieder@lists.hackspace.example');
    expect(row?.subject).toMatch(/^Termine bei allmende bis /);
    // The text as rendered from the row, or as the outbox worker (running in tests) already wrote it.
    let text: string;
    if (row?.data) {
      text = renderMail('calendar-announcement', 'de', row.data, t.app.get(OutboxService).renderContext()).text;
    } else {
      const dir = join(t.config.dataDir, 'outbox');
      const emls = await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f), 'utf8')));
      const eml = emls.find((e) => e.includes(row?.message_id ?? '-')) ?? '';
      text = (await simpleParser(eml)).text ?? '';
    }
    expect(text).toContain('Plenum (Vortragsraum) – http://allmende.test/events/plenum');
    expect(text).toContain('Lötworkshop');
    expect(text).not.toContain('Vorstandssitzung');
    expect(text).not.toContain('Später');
  });

  it('sends a scheduled announcement once however many instances tick', async () => {
    const service = t.app.get(AnnouncementsService);
    const key = `weekly:test-${Date.now()}`;
    const results = await Promise.all([
      service.announce(systemActor('a'), {}, key),
      service.announce(systemActor('b'), {}, key),
    ]);
    expect(results.map((r) => r.queued).sort()).toEqual([false, true]);
    expect(results.find((r) => !r.queued)?.reason).toBe('already-sent');
  });

  it('books the occurrences that come into the horizon, once', async () => {
    const res = await rosa.post('/api/events').send({
      title: 'Wöchentlich',
      start: `${day(1)}T10:00`,
      end: `${day(1)}T11:00`,
      rrule: 'FREQ=WEEKLY',
      resourceIds: [room],
    });
    expect(res.status).toBe(201);
    const count = async () =>
      (
        await t.orm.em
          .fork()
          .execute<{ n: number }[]>(
            "select count(*)::int as n from booking b join calendar_event e on e.id = b.event_id where e.slug = 'woechentlich'",
          )
      )[0]?.n ?? 0;
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(8);
    expect(before).toBeLessThanOrEqual(10);
    const worker = t.app.get(CalendarWorker);
    // Four weeks later the horizon has moved on by four weeks.
    const run = await worker.extendOnce(Date.now() + 28 * 86_400_000);
    expect(run).toMatchObject({ ran: true, events: 1, booked: 4, clashes: 0 });
    expect(await count()).toBe(before + 4);
    expect((await worker.extendOnce(Date.now() + 28 * 86_400_000)).events).toBe(0);
  });
});
