import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';

// A mail as the outbox hands it over: rendered, addressed, with its fixed Message-ID.
export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  // Resolves once the server accepted the mail; rejects (or aborts with the signal) otherwise.
  send(mail: OutgoingMail, signal?: AbortSignal): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

function toNodemailer(mail: OutgoingMail, signal?: AbortSignal): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    headers: mail.headers,
    signal,
  };
}

type SmtpConfig = NonNullable<AppConfig['mail']['smtp']>;

// SMTP through a small pool of connections. Timeouts are short, so a hanging server turns into a
// failed attempt (and a retry) instead of a stuck worker.
export class SmtpTransport implements MailTransport {
  private readonly transporter;

  constructor(smtp: SmtpConfig) {
    this.transporter = nodemailer.createTransport({
      pool: true,
      maxConnections: 4,
      maxMessages: 100,
      host: smtp.host,
      port: smtp.port,
      secure: smtp.tls === 'tls',
      // starttls: refuse a server that does not offer it, rather than fall back to plain text.
      requireTLS: smtp.tls === 'starttls',
      ignoreTLS: smtp.tls === 'none',
      auth: smtp.user !== undefined ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      dnsTimeout: 10_000,
    });
  }

  async send(mail: OutgoingMail, signal?: AbortSignal): Promise<{ messageId: string }> {
    const info = await this.transporter.sendMail(toNodemailer(mail, signal));
    return { messageId: info.messageId || mail.messageId };
  }

  close(): Promise<void> {
    this.transporter.close();
    return Promise.resolve();
  }
}

// Without an SMTP server (the embedded default) each mail becomes an .eml file under
// <dataDir>/outbox/, and its subject and recipient are logged: a newcomer sees what would be sent.
export class FileTransport implements MailTransport {
  // nodemailer's stream transport builds the RFC 822 message (headers, MIME parts, encodings).
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  async send(mail: OutgoingMail, signal?: AbortSignal): Promise<{ messageId: string }> {
    const info = await this.composer.sendMail(toNodemailer(mail, signal));
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `${stamp}-${randomBytes(4).toString('hex')}.eml`;
    // Written under a temporary name and renamed: a reader never sees half a mail. Mode 600:
    // the mails carry registration and reset links.
    const tmp = join(this.dir, `.${name}.tmp`);
    await writeFile(tmp, info.message, { mode: 0o600 });
    await rename(tmp, join(this.dir, name));
    this.log.info({ to: mail.to, subject: mail.subject, file: join(this.dir, name) }, `mail written to ${name}`);
    return { messageId: info.messageId || mail.messageId };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function createMailTransport(config: AppConfig, log: Logger): MailTransport {
  if (config.mail.smtp) return new SmtpTransport(config.mail.smtp);
  return new FileTransport(join(config.dataDir, 'outbox'), log.child({ component: 'outbox' }));
}
