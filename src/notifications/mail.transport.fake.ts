import type { MailTransport, OutgoingMail } from './mail.transport.js';

// In-memory MailTransport for unit tests: keeps what was sent; `failNext` makes sends fail.
export class FakeMailTransport implements MailTransport {
  readonly sent: OutgoingMail[] = [];
  private failures: Error[] = [];

  failNext(count: number, error = new Error('451 4.3.0 try again later')): void {
    for (let i = 0; i < count; i++) this.failures.push(error);
  }

  send(mail: OutgoingMail, signal?: AbortSignal): Promise<{ messageId: string }> {
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    this.sent.push(mail);
    return Promise.resolve({ messageId: mail.messageId });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
