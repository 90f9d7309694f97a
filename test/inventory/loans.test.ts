import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryRemindersWorker } from '../../src/inventory/inventory-reminders.worker.js';
import { addDays, isoDay } from '../../src/inventory/ownership.js';
import { OutboxService } from '../../src/notifications/outbox.service.js';
import { renderMail, type TemplateName } from '../../src/notifications/templates/templates.js';
import { createTestApp, loginAs, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;

const today = isoDay(new Date());

interface Mail {
  to: string;
  subject: string;
  text: string;
}

// The mails a template queued, with the text the member reads: rendered from the row's data, or
// read from the .eml the outbox worker (which runs during tests) already wrote and emptied the data of.
async function mails(t: TestApp, template: string): Promise<Mail[]> {
  const rows = await t.orm.em.fork().execute<
    {
      to_address: string;
      subject: string;
      language: 'de' | 'en';
      data: Record<string, string> | null;
      message_id: string;
    }[]
  >('select to_address, subject, language, data, message_id from outbox_mail where template = ? order by id', [template]);
  const dir = join(t.config.dataDir, 'outbox');
  const files = await readdir(dir).catch(() => [] as string[]);
  const emls = await Promise.all(files.filter((f) => f.endsWith('.eml')).map((f) => readFile(join(dir, f), 'utf8')));
  return Promise.all(
    rows.map(async (r) => {
      let text: string;
      if (r.data) {
        text = renderMail(template as TemplateName, r.language, r.data, t.app.get(OutboxService).renderContext()).text;
      } else {
        const eml = emls.find((e) => e.includes(r.message_id));
        text = eml ? ((await simpleParser(eml)).text ?? '') : '';
      }
      return { to: r.to_address, subject: r.subject, text };
    }),
  );
}

describe('loans, inductions and reminders', () => {
  let t: TestApp;
  let helper: Agent;
  let rosa: Agent;
  let karl: Agent;
  let board: Agent;

  beforeAll(async () => {
    // RUN_WORKERS is on in tests too, but the reminder worker's first run waits a minute: runOnce() drives it here.
    t = await createTestApp({
      ALLMENDE_BOARD_ADDRESS: 'vorstand@hackspace.example',
      ALLMENDE_INDUCTION_REMINDER_DAYS: '14',
    });
    helper = await loginAs(t, 'helper');
    board = await loginAs(t, 'board');
    rosa = await loginAs(t, 'member', { firstName: 'Rosa', lastName: 'Luxemburg', privateEmail: 'rosa@example.org' });
    karl = await loginAs(t, 'member', { firstName: 'Karl', lastName: 'Liebknecht', privateEmail: 'karl@example.org' });
    await helper.post('/api/things').send({ name: 'Bohrmaschine', slug: 'bohrer' });
    await helper.post('/api/things').send({ name: 'Lasercutter', slug: 'laser', needsInduction: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lends a thing to a member and refuses to lend it twice', async () => {
    const lent = await rosa.post('/api/things/bohrer/loan').send({ dueOn: addDays(today, 1) });
    expect(lent.status).toBe(200);
    expect(lent.body.loan).toMatchObject({ borrowerName: 'Rosa Luxemburg', dueOn: addDays(today, 1), overdue: false });
    const again = await karl.post('/api/things/bohrer/loan').send({ dueOn: addDays(today, 3) });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `this thing is already lent; it has to be returned first (by Rosa Luxemburg until ${addDays(today, 1)})`,
    );
  });

  it('lets members borrow only for themselves', async () => {
    const res = await karl
      .post('/api/things/laser/loan')
      .send({ dueOn: addDays(today, 1), borrowerId: rosa.member.id });
    expect(res.status).toBe(403);
  });

  it('refuses a thing that needs an induction the borrower lacks, until a helper records it', async () => {
    const refused = await karl.post('/api/things/laser/loan').send({ dueOn: addDays(today, 1) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/needs an induction/);
    const inducted = await helper
      .put(`/api/things/laser/inductions/${karl.member.id}`)
      .send({ expiresOn: addDays(today, 10) });
    expect(inducted.status).toBe(200);
    expect(inducted.body[0]).toMatchObject({ member: { id: karl.member.id }, valid: true });
    expect((await karl.post('/api/things/laser/loan').send({ dueOn: addDays(today, 1) })).status).toBe(200);
    expect((await karl.post('/api/things/laser/return')).status).toBe(200);
  });

  it('refuses to return a thing that is not lent, and others returning your loan', async () => {
    const notLent = await rosa.post('/api/things/laser/return');
    expect(notLent.status).toBe(409);
    expect(notLent.body.error.message).toBe('this thing is not lent, so it cannot be returned');
    expect((await karl.post('/api/things/bohrer/return')).status).toBe(403);
  });

  it('reminds an overdue borrower once, and lists the loan for the board', async () => {
    const worker = t.app.get(InventoryRemindersWorker);
    // Two days after the due date (the worker takes "today" as a parameter so tests can let time pass).
    const later = addDays(today, 3);
    const first = await worker.runOnce(later);
    expect(first.overdueLoans).toBe(1);
    await worker.runOnce(later);
    const sent = await mails(t, 'loan-overdue');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'rosa@example.org', subject: 'Bitte bring etwas zurück' });
    expect(sent[0]?.text).toMatch(/^Hallo Rosa Luxemburg,\n\ndu hast Bohrmaschine von allmende ausgeliehen/);
    expect(sent[0]?.text).toContain(`http://allmende.test/things/`);
    // Not overdue today, so the board's list is empty; the member sees their loan.
    expect((await board.get('/api/inventory/overdue')).body.loans).toEqual([]);
    expect(
      (await rosa.get('/api/me/loans?open=true')).body.map((l: { thing: { slug: string } }) => l.thing.slug),
    ).toEqual(['bohrer']);
    expect((await rosa.get('/api/inventory/overdue')).status).toBe(403);
  });

  it('lists overdue loans for the board', async () => {
    // Let the loan's due date lie in the past.
    await t.orm.em.fork().execute(`update loan set due_on = ? where returned_at is null`, [addDays(today, -2)]);
    const overdue = await board.get('/api/inventory/overdue');
    expect(overdue.body.loans).toEqual([
      expect.objectContaining({ thing: expect.objectContaining({ slug: 'bohrer' }), overdue: true }),
    ]);
    expect((await rosa.get('/api/things/bohrer')).body.loan.overdue).toBe(true);
  });

  it('lets the borrower extend the loan, and a new date gets a new reminder', async () => {
    expect((await karl.post('/api/things/bohrer/loan/extend').send({ dueOn: addDays(today, 7) })).status).toBe(403);
    const extended = await rosa.post('/api/things/bohrer/loan/extend').send({ dueOn: addDays(today, 7) });
    expect(extended.status).toBe(200);
    expect(extended.body.loan).toMatchObject({ dueOn: addDays(today, 7), overdue: false });
    await t.app.get(InventoryRemindersWorker).runOnce(addDays(today, 8));
    expect(await mails(t, 'loan-overdue')).toHaveLength(2);
    expect((await rosa.post('/api/things/laser/loan/extend').send({ dueOn: addDays(today, 7) })).status).toBe(409);
  });

  it('tells the board once when a thing lent to the club is due back', async () => {
    const beamer = await helper.post('/api/things').send({
      name: 'Beamer',
      ownership: 'lent-to-club',
      ownerName: 'Nachbarverein e. V.',
      ownerUntil: addDays(today, 1),
    });
    const worker = t.app.get(InventoryRemindersWorker);
    expect((await worker.runOnce(today)).borrowedDue).toBe(0);
    await worker.runOnce(addDays(today, 2));
    await worker.runOnce(addDays(today, 5));
    const sent = await mails(t, 'borrowed-thing-due');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'vorstand@hackspace.example', subject: 'Eine Leihgabe muss zurück' });
    expect(sent[0]?.text).toContain('Beamer ist eine Leihgabe von Nachbarverein e. V.');
    // A new date is a new reminder.
    await helper.patch(`/api/things/${beamer.body.id}`).send({ ownerUntil: addDays(today, 10) });
    await worker.runOnce(addDays(today, 11));
    expect(await mails(t, 'borrowed-thing-due')).toHaveLength(2);
  });

  it('reminds a member before the induction runs out, once per expiry date', async () => {
    const worker = t.app.get(InventoryRemindersWorker);
    // Karl's induction runs out in 10 days, within the 14-day warning.
    await worker.runOnce(today);
    await worker.runOnce(addDays(today, 1));
    const sent = await mails(t, 'induction-expiring');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'karl@example.org', subject: 'Deine Einweisung läuft bald ab' });
    expect(sent[0]?.text).toContain('deine Einweisung für Lasercutter gilt bis zum');
  });

  it('does nothing while another instance holds the reminder lock', async () => {
    const em = t.orm.em.fork();
    await em.transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(hashtext(?))', ['allmende:inventory-reminders']);
      expect((await t.app.get(InventoryRemindersWorker).runOnce(addDays(today, 30))).ran).toBe(false);
    });
  });

  it('writes every loan into the history', async () => {
    const history = (await rosa.get('/api/things/laser/history')).body as { kind: string }[];
    expect(history.map((h) => h.kind)).toEqual(['created', 'inducted', 'lent', 'returned']);
  });
});
