import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth.service.js';
import { systemActor } from '../../src/core/actor.js';
import { DEFAULT_WIRING, type MailWiring } from '../../src/mail/mail-config.js';
import { ensureMailRole } from '../../src/mail/mail-role.js';
import { MailReconciler } from '../../src/mail/mail.reconciler.js';
import type { MailChoicesInput } from '../../src/mail/mail.schemas.js';
import { MailService } from '../../src/mail/mail.service.js';
import { GroupsService } from '../../src/members/groups.service.js';
import { MembersService } from '../../src/members/members.service.js';
import { describeLab } from '../support/lab.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { createTestApp, makeMember, PASSWORD, type TestApp } from '../support/test-app.js';
import {
  DOVEADM,
  imapLogin,
  inboxSubjects,
  MAIL_PROGRAMS,
  POSTMAP,
  run,
  startDovecot,
  startPostfix,
  VMAIL,
  type Dovecot,
  type Postfix,
} from './mail-servers.js';

// Postfix and Dovecot from Debian, configured ONLY by what `allmende mail config` generates, reading
// the views as the role `allmende mail role` makes: addresses resolve, logins follow the member.
const ROLE = `mail_lab_${Math.random().toString(36).slice(2, 8)}`;
const ROLE_PASSWORD = 'bGFiLXJvbGUtcGFzc3dvcmQtMTIz';
const DOMAIN = 'example.org';
const actor = systemActor('lab');

let t: TestApp;
let dir: string;
let dovecot: Dovecot;
let postfix: Postfix;
let sink: SmtpSink;
interface M {
  id: number;
  username: string;
  number: string;
  privateEmail: string;
}
let karl: M; // named address, forwards to his private address and keeps a copy
let rosa: M; // pseudonymous address only; in the team with karl
let clara: M; // gets suspended
let dora: M; // changes her password
let gone: M; // departed, grace period over

async function sql(query: string, params: unknown[] = []): Promise<void> {
  await t.orm.em.fork().execute(query, params);
}

let n = 0;
// A member with a password and the given mail choices, as the member would pick them.
async function mailMember(choices: MailChoicesInput, groups: string[] = []): Promise<M> {
  n++;
  const m = await makeMember(t, {
    memberNumber: `${7000 + n}`,
    privateEmail: `privat${n}@private.test`,
    password: PASSWORD,
    state: 'active',
    groups,
  });
  await t.app.get(MailService).setChoices(actor, m.id, { namedAddress: true, ...choices });
  return { ...m, number: `${7000 + n}`, privateEmail: `privat${n}@private.test` };
}

async function postmap(name: Parameters<Postfix['map']>[0], key: string): Promise<string | undefined> {
  const r = await run(POSTMAP, ['-c', postfix.etc, '-q', key, postfix.map(name)]);
  if (r.code === 0) return r.stdout.trim();
  if (r.code === 1 && r.stderr.trim() === '') return undefined;
  throw new Error(`postmap -q ${key} ${name}: exit ${r.code} ${r.stderr}`);
}

async function authTest(user: string, password: string): Promise<boolean> {
  // no-penalty: the lab asks many times in a row, and Dovecot would wait longer after each failure.
  const r = await run(DOVEADM, ['-c', dovecot.conf, 'auth', 'test', '-x', 'no-penalty', user, password]);
  if (r.code !== 0 && r.code !== 77) throw new Error(`doveadm auth test: ${r.code} ${r.stderr}`);
  return r.code === 0;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(200);
  }
}

describeLab('mail (Postfix + Dovecot)', MAIL_PROGRAMS, () => {
  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_MAIL_DOMAIN: DOMAIN });
    await ensureMailRole(t.orm.em.fork(), ROLE, ROLE_PASSWORD);
    const db = new URL(t.url);
    const wiring: Omit<MailWiring, 'lmtp' | 'dovecotDir' | 'postfixDir'> = {
      ...DEFAULT_WIRING,
      db: {
        host: db.hostname,
        port: Number(db.port),
        dbname: db.pathname.slice(1),
        user: ROLE,
        password: ROLE_PASSWORD,
        tls: 'off',
      },
      vmail: VMAIL,
    };

    await t.app.get(GroupsService).create(actor, { slug: 'lab-team', name: 'Lab-Team' });
    karl = await mailMember({ forwardToPrivate: true, keepCopy: true }, ['lab-team']);
    rosa = await mailMember({ namedAddress: false, pseudonymousAddress: true, forwardToPrivate: false }, ['lab-team']);
    clara = await mailMember({ forwardToPrivate: false });
    dora = await mailMember({ forwardToPrivate: false });
    gone = await mailMember({ forwardToPrivate: false });
    const reconciler = t.app.get(MailReconciler);
    await reconciler.run('lab');
    await t.app.get(MailService).setTeamAddress(actor, 'lab-team', `team@${DOMAIN}`);
    // A departed member whose grace period is over: the mailbox is ended, then no longer receives.
    await t.app.get(MembersService).changeState(actor, gone.id, 'left');
    await reconciler.run('lab');
    await sql(`update mailbox set receive_until = now() - interval '1 second' where member_id = ?`, [gone.id]);

    dir = mkdtempSync(join(tmpdir(), 'allmende-mail-lab-'));
    // The daemons' users (dovecot, postfix, the vmail uid) must enter the folder.
    chmodSync(dir, 0o711);
    sink = await new SmtpSink().start();
    dovecot = await startDovecot(dir, wiring);
    postfix = await startPostfix(
      dir,
      { ...wiring, lmtp: { kind: 'inet', host: '127.0.0.1', port: dovecot.lmtpPort } },
      sink.port,
    );
  }, 120_000);

  afterAll(async () => {
    await postfix?.stop();
    await dovecot?.stop();
    await sink?.stop();
    await t?.close();
    if (dir && !process.env.MAIL_LAB_KEEP) rmSync(dir, { recursive: true, force: true });
  });

  it('postmap resolves the domain, the named and the pseudonymous mailbox', async () => {
    expect(await postmap('virtual_mailbox_domains', DOMAIN)).toBe(DOMAIN);
    expect(await postmap('virtual_mailbox_domains', 'elsewhere.org')).toBeUndefined();
    expect(await postmap('virtual_mailbox_maps', `${karl.username}@${DOMAIN}`)).toBe(`${DOMAIN}/${karl.username}/`);
    expect(await postmap('virtual_mailbox_maps', `mitglied-${rosa.number}@${DOMAIN}`)).toBe(
      // The maildir is named after the username, so it stays put when addresses change.
      `${DOMAIN}/${rosa.username}/`,
    );
  });

  it('postmap resolves a forwarding (with the copy kept) and a team address to its members', async () => {
    const forward = (await postmap('virtual_alias_maps', `${karl.username}@${DOMAIN}`))?.split(',').sort();
    expect(forward).toEqual([`${karl.username}@${DOMAIN}`, karl.privateEmail].sort());
    const team = (await postmap('virtual_alias_maps', `team@${DOMAIN}`))?.split(',').sort();
    // Karl by his named address, Rosa (no named address) by her private one.
    expect(team).toEqual([`${karl.username}@${DOMAIN}`, rosa.privateEmail].sort());
  });

  it('postmap refuses an unknown address and a departed member’s after the grace period', async () => {
    expect(await postmap('virtual_mailbox_maps', `niemand@${DOMAIN}`)).toBeUndefined();
    expect(await postmap('virtual_alias_maps', `niemand@${DOMAIN}`)).toBeUndefined();
    expect(await postmap('virtual_mailbox_maps', `${gone.username}@${DOMAIN}`)).toBeUndefined();
  });

  it('doveadm auth test and a real IMAP login accept the member’s password, by username and by address', async () => {
    expect(await authTest(karl.username, PASSWORD)).toBe(true);
    expect(await authTest(`${karl.username}@${DOMAIN}`, PASSWORD)).toBe(true);
    expect(await imapLogin(dovecot.imapPort, karl.username, PASSWORD)).toBe(true);
    expect(await imapLogin(dovecot.imapPort, `mitglied-${rosa.number}@${DOMAIN}`, PASSWORD)).toBe(true);
  });

  it('a wrong password, an unknown user and a departed member are refused', async () => {
    expect(await authTest(karl.username, 'falsches Passwort')).toBe(false);
    expect(await authTest('niemand', PASSWORD)).toBe(false);
    expect(await authTest(gone.username, PASSWORD)).toBe(false);
    expect(await imapLogin(dovecot.imapPort, karl.username, 'falsches Passwort')).toBe(false);
  });

  it('after a suspension the login fails within seconds', async () => {
    expect(await imapLogin(dovecot.imapPort, clara.username, PASSWORD)).toBe(true);
    await t.app.get(MembersService).changeState(actor, clara.id, 'suspended');
    expect(await eventually(async () => !(await authTest(clara.username, PASSWORD)), 5_000)).toBe(true);
    expect(await imapLogin(dovecot.imapPort, clara.username, PASSWORD)).toBe(false);
  });

  it('after a password change the new password works and the old one does not', async () => {
    const fresh = 'ein ganz neues Passwort für Dora';
    await t.orm.em.fork().transactional(async (em) => {
      const m = await t.app.get(MembersService).requireMember(em, dora.id);
      await t.app.get(AuthService).setPassword(em, actor, m, fresh);
    });
    expect(await eventually(() => authTest(dora.username, fresh), 5_000)).toBe(true);
    expect(await imapLogin(dovecot.imapPort, dora.username, fresh)).toBe(true);
    expect(await authTest(dora.username, PASSWORD)).toBe(false);
  });

  it('the board’s functional mailbox logs in with its own password and gets its quota', async () => {
    const own = 'Buchhaltung im Hinterzimmer 2026';
    await t.app.get(MailService).createMailbox(actor, { address: `kasse@${DOMAIN}`, password: own, quotaMb: 5 });
    expect(await imapLogin(dovecot.imapPort, `kasse@${DOMAIN}`, own)).toBe(true);
    expect(await authTest(`kasse@${DOMAIN}`, PASSWORD)).toBe(false);
    const quota = await run(DOVEADM, ['-c', dovecot.conf, 'quota', 'get', '-u', `kasse@${DOMAIN}`]);
    expect(quota.code, quota.stderr).toBe(0);
    // 5 MB = 5120 KiB as the storage limit.
    expect(quota.stdout).toMatch(/STORAGE\s+0\s+5120\b/);
  });

  it('a mail to the named address lands in the Dovecot mailbox and its forwarded copy at the private address', async () => {
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: postfix.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    const subject = `Einladung zum Plenum ${Date.now()}`;
    const sent = await smtp.sendMail({
      from: 'vorstand@elsewhere.test',
      to: `${karl.username}@${DOMAIN}`,
      subject,
      text: 'Donnerstag, 19 Uhr.',
    });
    expect(sent.rejected).toEqual([]);
    const landed = await eventually(
      async () => (await inboxSubjects(dovecot.imapPort, karl.username, PASSWORD)).includes(subject),
      20_000,
    );
    if (!landed) throw new Error(`not delivered:\n${postfix.log()}\n${dovecot.log()}`);
    const forwarded = await eventually(() => Promise.resolve(sink.received.some((m) => m.subject === subject)), 20_000);
    if (!forwarded) throw new Error(`no forwarded copy:\n${postfix.log()}`);
    const copy = sink.received.find((m) => m.subject === subject);
    expect(copy?.text?.trim()).toBe('Donnerstag, 19 Uhr.');
  });

  it('Postfix refuses mail for an unknown address of the domain at RCPT', async () => {
    const smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: postfix.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await expect(
      smtp.sendMail({ from: 'a@elsewhere.test', to: `niemand@${DOMAIN}`, subject: 'x', text: 'x' }),
    ).rejects.toThrow(/550|User unknown/);
    await expect(
      smtp.sendMail({ from: 'a@elsewhere.test', to: `${gone.username}@${DOMAIN}`, subject: 'x', text: 'x' }),
    ).rejects.toThrow(/550|User unknown/);
  });
});
