import { describe, expect, it } from 'vitest';
import { FakeMailTransport } from './mail.transport.fake.js';
import {
  composeMail,
  deliver,
  describeError,
  isRelayFailure,
  newMessageId,
  type ClaimedMail,
} from './outbox-delivery.js';

const ctx = { clubName: 'Hackspace', from: 'allmende@hackspace.example', boardAddress: 'vorstand@hackspace.example' };

function claimed(overrides: Partial<ClaimedMail> = {}): ClaimedMail {
  return {
    id: 1,
    toAddress: 'rosa@example.org',
    template: 'password-changed',
    language: 'de',
    data: { displayName: 'Rosa' },
    messageId: '<fixed@hackspace.example>',
    attempts: 1,
    ...overrides,
  };
}

describe('composeMail', () => {
  it('sends from the club, replies to the board, marks the mail as automatic', () => {
    const mail = composeMail(claimed(), ctx);
    expect(mail.from).toEqual({ name: 'Hackspace', address: 'allmende@hackspace.example' });
    expect(mail.replyTo).toBe('vorstand@hackspace.example');
    expect(mail.headers['Auto-Submitted']).toBe('auto-generated');
    expect(mail.messageId).toBe('<fixed@hackspace.example>');
    expect(mail.subject).toBe('Dein Passwort wurde geändert');
  });
});

describe('deliver', () => {
  it('hands the mail to the transport and reports its Message-ID', async () => {
    const transport = new FakeMailTransport();
    const outcome = await deliver(claimed(), transport, ctx);
    expect(outcome).toEqual({
      ok: true,
      messageId: '<fixed@hackspace.example>',
      subject: 'Dein Passwort wurde geändert',
    });
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]?.text).toContain('Hallo Rosa,');
  });

  it('reports a refusal as a failure worth retrying', async () => {
    const transport = new FakeMailTransport();
    transport.failNext(
      1,
      Object.assign(new Error('Can not send mail'), { code: 'EENVELOPE', response: '451 4.3.0 later' }),
    );
    expect(await deliver(claimed(), transport, ctx)).toEqual({
      ok: false,
      error: 'EENVELOPE: 451 4.3.0 later',
      permanent: false,
      relay: false,
    });
    expect(transport.sent).toHaveLength(0);
  });

  it('reports a mail that cannot be rendered as permanent, without sending', async () => {
    const transport = new FakeMailTransport();
    const unknown = await deliver(claimed({ template: 'no-such-template' }), transport, ctx);
    expect(unknown).toMatchObject({ ok: false, permanent: true, error: 'unknown mail template "no-such-template"' });
    const erased = await deliver(claimed({ data: null }), transport, ctx);
    expect(erased).toMatchObject({ ok: false, permanent: true });
    expect(transport.sent).toHaveLength(0);
  });
});

describe('newMessageId and describeError', () => {
  it('makes a unique Message-ID in the sender domain', () => {
    const a = newMessageId('allmende@hackspace.example');
    expect(a).toMatch(/^<[0-9a-f-]{36}@hackspace\.example>$/);
    expect(newMessageId('allmende@hackspace.example')).not.toBe(a);
  });

  it('keeps errors on one line and short', () => {
    expect(describeError(new Error('a\nb'))).toBe('a b');
    expect(describeError('x'.repeat(5000))).toHaveLength(1000);
  });
});

describe('isRelayFailure', () => {
  const smtpError = (fields: Record<string, unknown>) => Object.assign(new Error('failed'), fields);

  it.each([
    ['connection refused', { code: 'ESOCKET', command: 'CONN' }, true],
    ['connection closed', { code: 'ECONNECTION', command: 'CONN' }, true],
    ['timeout', { code: 'ETIMEDOUT', command: 'CONN' }, true],
    ['no DNS', { code: 'EDNS' }, true],
    ['TLS failed', { code: 'ETLS', command: 'STARTTLS' }, true],
    ['login refused', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }, true],
    ['421 service not available', { code: 'EPROTOCOL', responseCode: 421 }, true],
    ['451 to MAIL FROM (relay busy)', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 451 }, true],
    // The mail's own fate: another mail may well go through.
    ['451 to RCPT TO (greylisting, mailbox busy)', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 451 }, false],
    ['550 to RCPT TO (no such user)', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 }, false],
    ['554 to DATA (content refused)', { code: 'EMESSAGE', command: 'DATA', responseCode: 554 }, false],
    [
      '553 to MAIL FROM (our sender refused: every mail would be)',
      { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553 },
      true,
    ],
    ['552 to MAIL FROM (this mail too big)', { code: 'EMESSAGE', command: 'MAIL FROM', responseCode: 552 }, false],
    ['a plain error', {}, false],
  ])('%s → %s', (_, fields, expected) => {
    expect(isRelayFailure(smtpError(fields))).toBe(expected);
  });
});
