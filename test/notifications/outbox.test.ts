import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTransport, SmtpTransport } from '../../src/notifications/mail.transport.js';
import { OutboxService, type MailToSend } from '../../src/notifications/outbox.service.js';
import { OutboxWorker } from '../../src/notifications/outbox.worker.js';
import { createTestApp, loginAs, type TestApp } from '../support/test-app.js';
import { SmtpSink } from '../support/smtp-sink.js';

interface Row {
  id: number;
  state: string;
  attempts: number;
  last_error: string | null;
  message_id: string;
  data: Record<string, string> | null;
  subject: string;
  sent_at: Date | null;
}

let counter = 0;
function mail(overrides: Partial<MailToSend> = {}): MailToSend {
  counter++;
  return {
    to: `member${counter}@example.org`,
    template: 'welcome',
    language: 'de',
    data: {
      displayName: `Mitglied ${counter}`,
      registrationUrl: `https://allmende.test/register?key=KEY${counter}`,
      expiresAt: '2026-12-07T13:00:00.000Z',
    },
    ...overrides,
  };
}

async function enqueue(t: TestApp, ...mails: MailToSend[]): Promise<void> {
  const outbox = t.app.get(OutboxService);
  await t.orm.em.fork().transactional((em) => {
    for (const m of mails) outbox.enqueue(em, m);
    return Promise.resolve();
  });
}

async function rowOf(t: TestApp, to: string): Promise<Row> {
  const [row] = await t.orm.em.fork().execute<Row[]>('select * from outbox_mail where to_address = ?', [to]);
  if (!row) throw new Error(`no outbox row for ${to}`);
  return row;
}

// Time passes: the retry the backoff scheduled is due now.
async function makeDue(t: TestApp, id: number): Promise<void> {
  await t.orm.em.fork().execute('update outbox_mail set next_attempt_at = now() where id = ?', [id]);
}

describe('outbox over SMTP', () => {
  let smtp: SmtpSink;
  let t: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    dataDir = await mkdtemp(join(tmpdir(), 'allmende-outbox-'));
    t = await createTestApp({
      ...smtp.env(),
      ALLMENDE_DATA_DIR: dataDir,
      ALLMENDE_MAIL_FROM: 'verein@hackspace.example',
      ALLMENDE_CLUB_NAME: 'Hackspace Kreuzberg',
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sends a mail enqueued in a committed transaction: subject, recipient, text, HTML, Auto-Submitted', async () => {
    const m = mail({ data: { ...mail().data, displayName: '<script>alert(1)</script>' } });
    await enqueue(t, m);
    expect((await rowOf(t, m.to)).state).toBe('queued');

    await t.app.get(OutboxWorker).runOnce();

    const row = await rowOf(t, m.to);
    expect(row.state).toBe('sent');
    expect(row.attempts).toBe(1);
    expect(row.sent_at).not.toBeNull();
    expect(row.data).toBeNull(); // the registration link is not kept once the mail is out
    expect(smtp.deliveries(row.message_id)).toBe(1);
    const got = smtp.received.find((r) => r.messageId === row.message_id);
    expect(got?.subject).toBe('Willkommen bei Hackspace Kreuzberg');
    expect(got?.from?.text).toBe('"Hackspace Kreuzberg" <verein@hackspace.example>');
    expect(got?.to).toMatchObject({ value: [{ address: m.to }] });
    expect(got?.headers.get('auto-submitted')).toBe('auto-generated');
    expect(got?.text).toContain('Hallo <script>alert(1)</script>,');
    expect(got?.text).toContain(m.data.registrationUrl);
    expect(got?.html).toContain('Hallo &#60;script&#62;alert(1)&#60;/script&#62;,');
    expect(got?.html).not.toContain('<script>');
    expect(got?.html).toContain(`<a href="${m.data.registrationUrl}">`);
  });

  it('never sends a mail whose transaction rolled back', async () => {
    const m = mail();
    const outbox = t.app.get(OutboxService);
    await expect(
      t.orm.em.fork().transactional(async (em) => {
        outbox.enqueue(em, m);
        await em.flush(); // the row was written, then the transaction fails
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const before = smtp.received.length;
    await t.app.get(OutboxWorker).runOnce();
    const rows = await t.orm.em.fork().execute('select id from outbox_mail where to_address = ?', [m.to]);
    expect(rows).toEqual([]);
    const to = (r: (typeof smtp.received)[number]) => (Array.isArray(r.to) ? r.to : [r.to]).map((a) => a?.text);
    expect(smtp.received.slice(before).filter((r) => to(r).includes(m.to))).toEqual([]);
  });

  it('refuses bad data in the caller’s transaction, not at send time', () => {
    const outbox = t.app.get(OutboxService);
    const em = t.orm.em.fork();
    expect(() => outbox.enqueue(em, mail({ data: { displayName: 'Rosa' } }))).toThrow(/missing registrationUrl/);
    expect(() => outbox.enqueue(em, mail({ to: 'not-an-address' }))).toThrow(/not a mail address/);
  });

  it('keeps a mail the server refuses, with attempts and the error, and sends it once after the server recovers', async () => {
    const worker = t.app.get(OutboxWorker);
    const m = mail({ template: 'password-changed', language: 'en', data: { displayName: 'Clara Zetkin' } });
    smtp.refuseWith = 451;
    try {
      await enqueue(t, m);
      await worker.runOnce();
      let row = await rowOf(t, m.to);
      expect(row).toMatchObject({ state: 'failed', attempts: 1 });
      expect(row.last_error).toContain('451');
      expect(row.data).toEqual(m.data); // kept for the next attempt

      // Not due yet (the first retry waits 30 s): nothing happens.
      await worker.runOnce();
      expect((await rowOf(t, m.to)).attempts).toBe(1);

      await makeDue(t, row.id);
      await worker.runOnce();
      row = await rowOf(t, m.to);
      expect(row).toMatchObject({ state: 'failed', attempts: 2 });
      expect(smtp.deliveries(row.message_id)).toBe(0);
    } finally {
      smtp.refuseWith = undefined;
    }

    const { id, message_id } = await rowOf(t, m.to);
    await makeDue(t, id);
    await worker.runOnce();
    await makeDue(t, id); // a sent mail is never due again, whatever its timestamps say
    await worker.runOnce();
    const row = await rowOf(t, m.to);
    expect(row).toMatchObject({ state: 'sent', attempts: 3, last_error: null });
    expect(smtp.deliveries(message_id)).toBe(1);
  });

  it('pauses while the relay is down, spending no attempt of the waiting mails, and sends them soon after it is back', async () => {
    const worker = t.app.get(OutboxWorker);
    const mails = Array.from({ length: 10 }, () => mail());
    smtp.down = true;
    try {
      await enqueue(t, ...mails);
      await worker.runOnce();
      const rows = await Promise.all(mails.map((m) => rowOf(t, m.to)));
      // The sends under way when the first failure came back (one per lane) failed; the rest wait untried.
      const tried = rows.filter((r) => r.attempts > 0);
      expect(tried.length).toBeGreaterThan(0);
      expect(tried.length).toBeLessThanOrEqual(4);
      for (const r of tried) expect(r).toMatchObject({ state: 'failed', attempts: 1 });
      for (const r of tried) expect(r.last_error).toContain('421');
      for (const r of rows.filter((x) => x.attempts === 0)) expect(r.state).toBe('queued');
      expect((await worker.runOnce()).claimed).toBe(0); // paused
    } finally {
      smtp.down = false;
    }
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the first pause is 1 s
    for (let round = 0; round < 5; round++) await worker.runOnce();
    for (const m of mails) {
      const row = await rowOf(t, m.to);
      expect(row.state).toBe('sent');
      expect(row.attempts).toBeLessThanOrEqual(2);
      expect(smtp.deliveries(row.message_id)).toBe(1);
    }
  });

  it('picks up a mail left `sending` by a crashed instance once its lease has run out, and not before', async () => {
    const worker = t.app.get(OutboxWorker);
    const expired = mail();
    const leased = mail();
    await enqueue(t, expired, leased);
    const a = await rowOf(t, expired.to);
    const b = await rowOf(t, leased.to);
    const em = t.orm.em.fork();
    await em.execute(
      `update outbox_mail set state = 'sending', attempts = 1, next_attempt_at = now() - interval '1 second' where id = ?`,
      [a.id],
    );
    await em.execute(
      `update outbox_mail set state = 'sending', attempts = 1, next_attempt_at = now() + interval '4 minutes' where id = ?`,
      [b.id],
    );
    await worker.runOnce();
    expect(await rowOf(t, expired.to)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(smtp.deliveries(a.message_id)).toBe(1);
    expect(await rowOf(t, leased.to)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(smtp.deliveries(b.message_id)).toBe(0);
    await em.execute(`update outbox_mail set state = 'sent' where id = ?`, [b.id]); // out of the other tests' way
  });

  it('sends each mail once with several workers claiming side by side', async () => {
    const mails = Array.from({ length: 45 }, () => mail());
    await enqueue(t, ...mails);
    // Two more workers on the same database, as two more instances would be, plus the app's own.
    const log = pino({ level: 'silent' });
    const others = [1, 2].map(
      () => new OutboxWorker(t.orm, new SmtpTransport(t.config.mail.smtp!), t.config, log, false),
    );
    const workers = [t.app.get(OutboxWorker), ...others];
    for (let round = 0; round < 10; round++) await Promise.all(workers.map((w) => w.runOnce()));
    for (const w of others) await w.onApplicationShutdown();
    for (const m of mails) {
      const row = await rowOf(t, m.to);
      expect(row.state).toBe('sent');
      expect(smtp.deliveries(row.message_id)).toBe(1);
    }
  });

  it('lets the sends in flight finish on shutdown and hands back the rest: a restart sends nothing twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'allmende-outbox-'));
    const app = await createTestApp({ ...smtp.env(), ALLMENDE_DATA_DIR: dir });
    const mails = Array.from({ length: 12 }, () => mail());
    await enqueue(app, ...mails);
    smtp.delayMs = 150;
    try {
      const running = app.app.get(OutboxWorker).runOnce();
      await new Promise((resolve) => setTimeout(resolve, 100)); // sends are under way
      await app.app.close(); // as on SIGTERM
      await running;
      const rows = await Promise.all(mails.map((m) => rowOf(app, m.to)));
      expect(rows.map((r) => r.state).filter((s) => s !== 'sent' && s !== 'queued')).toEqual([]);
      expect(rows.filter((r) => r.state === 'queued').length).toBeGreaterThan(0);
      for (const r of rows) expect(smtp.deliveries(r.message_id)).toBe(r.state === 'sent' ? 1 : 0);
      for (const r of rows.filter((x) => x.state === 'queued')) expect(r.attempts).toBe(0);

      // The next start sends the rest, and only the rest.
      smtp.delayMs = 0;
      const restarted = new OutboxWorker(
        app.orm,
        new SmtpTransport(app.config.mail.smtp!),
        app.config,
        pino({ level: 'silent' }),
        false,
      );
      await restarted.runOnce();
      await restarted.onApplicationShutdown();
      for (const m of mails) {
        const row = await rowOf(app, m.to);
        expect(row.state).toBe('sent');
        expect(smtp.deliveries(row.message_id)).toBe(1);
      }
    } finally {
      smtp.delayMs = 0;
      await app.orm.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('removes sent mails after 90 days and keeps the recent ones', async () => {
    const old = mail();
    const recent = mail();
    await enqueue(t, old, recent);
    await t.app.get(OutboxWorker).runOnce();
    await t.orm.em
      .fork()
      .execute(`update outbox_mail set sent_at = now() - interval '91 days' where to_address = ?`, [old.to]);
    expect(await t.app.get(OutboxWorker).purge()).toBe(1);
    await expect(rowOf(t, old.to)).rejects.toThrow('no outbox row');
    expect((await rowOf(t, recent.to)).state).toBe('sent');
  });
});

describe('outbox giving up', () => {
  let smtp: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await new SmtpSink().start();
    smtp.refuseWith = 451;
    t = await createTestApp({ ...smtp.env(), ALLMENDE_MAIL_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('gives up after ALLMENDE_MAIL_MAX_ATTEMPTS and shows the mail in GET /api/outbox', async () => {
    const worker = t.app.get(OutboxWorker);
    const m = mail({ template: 'password-reset', data: { ...mail().data } });
    m.data = { displayName: 'August Bebel', resetUrl: 'https://allmende.test/reset?key=SECRET', expiresAt: 'morgen' };
    await enqueue(t, m);
    const { id } = await rowOf(t, m.to);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await makeDue(t, id);
      await worker.runOnce();
    }
    await worker.runOnce(); // given up: not tried a fourth time
    expect(await rowOf(t, m.to)).toMatchObject({ state: 'given_up', attempts: 3 });
    expect(smtp.refusals).toBe(3);

    const board = await loginAs(t, 'board');
    const res = await board.get('/api/outbox?state=given_up&page=1&pageSize=10');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 10, total: 1 });
    const [item] = res.body.items;
    expect(item).toMatchObject({
      id,
      to: m.to,
      template: 'password-reset',
      language: 'de',
      subject: 'Neues Passwort für allmende',
      state: 'given_up',
      attempts: 3,
      nextAttemptAt: null,
      sentAt: null,
    });
    expect(item.lastError).toContain('451');
    // The board sees that a reset mail failed, never the member's reset link.
    expect(JSON.stringify(res.body)).not.toContain('SECRET');
  });

  it('lists newest first, pages, and filters by state', async () => {
    await enqueue(t, mail(), mail());
    const board = await loginAs(t, 'board');
    const all = await board.get('/api/outbox?pageSize=2');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.items[0].id).toBeGreaterThan(all.body.items[1].id);
    const queued = await board.get('/api/outbox?state=queued');
    expect(queued.body.items.every((i: { state: string }) => i.state === 'queued')).toBe(true);
  });

  it('is for the board: a member gets 403, a bad query 400 naming the field', async () => {
    const member = await loginAs(t, 'member');
    expect((await member.get('/api/outbox')).status).toBe(403);
    expect((await t.http.get('/api/outbox')).status).toBe(401);
    const board = await loginAs(t, 'board');
    const bad = await board.get('/api/outbox?state=lost');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('state');
  });
});

describe('outbox without an SMTP server', () => {
  let t: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'allmende-outbox-'));
    t = await createTestApp({ ALLMENDE_DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes each mail as an .eml file under the data folder’s outbox/', async () => {
    const m = mail({ language: 'en' });
    await enqueue(t, m);
    await t.app.get(OutboxWorker).runOnce();

    const files = (await readdir(join(dataDir, 'outbox'))).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const parsed = await simpleParser(await readFile(join(dataDir, 'outbox', files[0] ?? '')));
    expect(parsed.subject).toBe('Welcome to allmende');
    expect(parsed.to).toMatchObject({ value: [{ address: m.to }] });
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.text).toContain(m.data.registrationUrl);
    expect(parsed.html).toContain('<p>Hello Mitglied');
    const row = await rowOf(t, m.to);
    expect(row.state).toBe('sent');
    expect(parsed.messageId).toBe(row.message_id);
  });

  it('logs the subject and the recipient of each file at info level', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const dir = join(dataDir, 'logged');
    const transport = new FileTransport(dir, log);
    await transport.send({
      from: { name: 'allmende', address: 'allmende@localhost' },
      to: 'rosa@example.org',
      subject: 'Willkommen bei allmende',
      text: 'Hallo',
      html: '<p>Hallo</p>',
      messageId: '<test@localhost>',
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, to: 'rosa@example.org', subject: 'Willkommen bei allmende' });
    const [file] = await readdir(dir);
    expect(lines[0]?.file).toBe(join(dir, file ?? ''));
  });
});
