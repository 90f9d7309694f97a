// unreachable/refused: the wiki's database cannot be used (the run stops and fails); exists: a
// user name or id is taken; failed: anything else about one user.
export type WikiErrorCode = 'unreachable' | 'refused' | 'exists' | 'failed';

export class WikiError extends Error {
  constructor(
    readonly code: WikiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WikiError';
  }

  get targetDown(): boolean {
    return this.code === 'unreachable' || this.code === 'refused';
  }
}

const DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
]);
const REFUSED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'ER_NO_SUCH_TABLE']);

// mysql2's errors carry a code: turn them into ours, with a message that says where.
export function wikiError(err: unknown, doing: string): WikiError {
  if (err instanceof WikiError) return err;
  const e = err as { code?: string; message?: string; fatal?: boolean };
  const code = e.code ?? '';
  const text = e.message ?? String(err);
  if (DOWN.has(code) || e.fatal === true)
    return new WikiError('unreachable', `wiki database unreachable while ${doing}: ${text}`);
  if (REFUSED.has(code)) return new WikiError('refused', `wiki database refused ${doing}: ${text}`);
  if (code === 'ER_DUP_ENTRY') return new WikiError('exists', `${doing}: ${text}`);
  return new WikiError('failed', `${doing}: ${text}`);
}
