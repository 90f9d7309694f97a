import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// A real SMTP server on a free loopback port that keeps what it receives. `refuseWith` makes it
// answer RCPT TO with that code (451: try again later); `delayMs` slows down each DATA.
export class SmtpSink {
  readonly received: ParsedMail[] = [];
  refuseWith: number | undefined;
  // The relay is down: 421 to new connections and to MAIL FROM on open ones.
  down = false;
  delayMs = 0;
  refusals = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onConnect: (_session, callback) => callback(this.down ? this.unavailable() : undefined),
    onMailFrom: (_address, _session, callback) => callback(this.down ? this.unavailable() : undefined),
    onRcptTo: (_address, _session, callback) => {
      if (this.refuseWith === undefined) return callback();
      this.refusals++;
      callback(Object.assign(new Error('4.3.0 mailbox busy, try again later'), { responseCode: this.refuseWith }));
    },
    onData: (stream, _session, callback) => {
      simpleParser(stream).then(
        (mail) => {
          setTimeout(() => {
            this.received.push(mail);
            callback();
          }, this.delayMs);
        },
        (err: Error) => callback(err),
      );
    },
  });

  port = 0;

  private unavailable(): Error {
    this.refusals++;
    return Object.assign(new Error('service not available, try again later'), { responseCode: 421 });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  // How often each Message-ID arrived.
  deliveries(messageId: string): number {
    return this.received.filter((m) => m.messageId === messageId).length;
  }

  env(): Record<string, string> {
    return { ALLMENDE_SMTP_HOST: '127.0.0.1', ALLMENDE_SMTP_PORT: String(this.port), ALLMENDE_SMTP_TLS: 'none' };
  }
}
