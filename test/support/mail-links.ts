import type { ParsedMail } from 'mailparser';
import { PasswordResetService } from '../../src/auth/password-reset.service.js';
import { OutboxWorker } from '../../src/notifications/outbox.worker.js';
import type { SmtpSink } from './smtp-sink.js';
import type { TestApp } from './test-app.js';

// Sends what the outbox holds now and returns the newest link of that kind mailed to `to`
// (/register/…, /reset/…, /email-change/…), as the full URL the mail carries.
export async function mailedLink(t: TestApp, smtp: SmtpSink, to: string, kind: string): Promise<string> {
  await t.app.get(PasswordResetService).settled();
  for (let i = 0; i < 5; i++) if ((await t.app.get(OutboxWorker).runOnce()).claimed === 0) break;
  const mails = smtp.received.filter((m: ParsedMail) =>
    (Array.isArray(m.to) ? m.to : [m.to]).some((a) => a?.text === to),
  );
  const base = t.config.http.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${base}/${kind}/\\d+/[A-Za-z0-9_-]{43}`).exec(mails.at(-1)?.text ?? '');
  if (!match) throw new Error(`no ${kind} link mailed to ${to}`);
  return match[0];
}
