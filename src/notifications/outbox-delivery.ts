import { randomUUID } from 'node:crypto';
import type { MailTransport, OutgoingMail } from './mail.transport.js';
import { isTemplateName, renderMail, type Language, type RenderContext } from './templates/templates.js';

// A mail as the worker claimed it from the outbox.
export interface ClaimedMail {
  id: number;
  toAddress: string;
  template: string;
  language: Language;
  data: Record<string, string> | null;
  messageId: string;
  attempts: number;
}

export interface DeliveryContext extends RenderContext {
  from: string;
}

export type DeliveryOutcome =
  | { ok: true; messageId: string; subject: string }
  // permanent: sending again cannot help (the mail cannot even be rendered);
  // relay: the relay as a whole failed (unreachable, refusing the session), not this mail
  | { ok: false; error: string; permanent: boolean; relay: boolean };

// A Message-ID in the sender's domain, fixed when the mail is queued: a mail sent twice (after a
// crash) carries the same one, so the receiving side can tell the copies apart.
export function newMessageId(from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1) || 'localhost';
  return `<${randomUUID()}@${domain}>`;
}

export function composeMail(mail: ClaimedMail, ctx: DeliveryContext): OutgoingMail {
  if (!isTemplateName(mail.template)) throw new Error(`unknown mail template "${mail.template}"`);
  if (mail.data === null) throw new Error('the mail has no data left to render');
  const rendered = renderMail(mail.template, mail.language, mail.data, ctx);
  return {
    from: { name: ctx.clubName, address: ctx.from },
    to: mail.toAddress,
    replyTo: ctx.boardAddress,
    ...rendered,
    messageId: mail.messageId,
    headers: {
      // RFC 3834: vacation responders and list software must not answer or loop.
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
    },
  };
}

// One attempt: render, compose, hand to the transport. Never throws; the worker records the outcome.
export async function deliver(
  mail: ClaimedMail,
  transport: MailTransport,
  ctx: DeliveryContext,
  signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  let outgoing: OutgoingMail;
  try {
    outgoing = composeMail(mail, ctx);
  } catch (err) {
    return { ok: false, error: describeError(err), permanent: true, relay: false };
  }
  try {
    const { messageId } = await transport.send(outgoing, signal);
    return { ok: true, messageId, subject: outgoing.subject };
  } catch (err) {
    return { ok: false, error: describeError(err), permanent: false, relay: isRelayFailure(err) };
  }
}

// nodemailer's codes for a relay that cannot be reached or spoken to at all.
const RELAY_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EPROXY']);

// Whether a failure is the relay's as a whole rather than this mail's: no connection, no TLS, no
// login, 421 (service not available), or a refusal of our sender (every mail has the same one).
// Another mail would fail the same way now, so the worker pauses instead of trying the rest.
export function isRelayFailure(err: unknown): boolean {
  const e = err as { code?: unknown; responseCode?: unknown; command?: unknown };
  if (e.responseCode === 421) return true;
  if (e.command === 'MAIL FROM' && e.code !== 'EMESSAGE') return true; // EMESSAGE: this mail is too big
  return typeof e.code === 'string' && RELAY_CODES.has(e.code);
}

// nodemailer puts the server's answer in `response` ("451 4.3.0 try again"); keep it short.
export function describeError(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; response?: unknown };
  const text = typeof e.response === 'string' && e.response !== '' ? e.response : String(e.message ?? err);
  const code = typeof e.code === 'string' ? `${e.code}: ` : '';
  return `${code}${text}`.replace(/\s+/g, ' ').slice(0, 1000);
}
