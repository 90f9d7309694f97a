// unreachable/timeout/unauthorized mean Mailman itself is not usable (the run stops and fails);
// the others concern one list or one address.
export type MailmanErrorCode =
  'unreachable' | 'timeout' | 'unauthorized' | 'not_found' | 'conflict' | 'bad_request' | 'server_error' | 'bad_answer';

export class MailmanError extends Error {
  constructor(
    readonly code: MailmanErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MailmanError';
  }

  get targetDown(): boolean {
    return this.code === 'unreachable' || this.code === 'timeout' || this.code === 'unauthorized';
  }
}
