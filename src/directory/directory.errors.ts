// unreachable/refused/no_base: the directory cannot be used at all (the run stops and fails);
// exists/failed concern one entry.
export type DirectoryErrorCode = 'unreachable' | 'refused' | 'no_base' | 'exists' | 'failed';

export class DirectoryError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryError';
  }

  get targetDown(): boolean {
    return this.code === 'unreachable' || this.code === 'refused' || this.code === 'no_base';
  }
}

const DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'ECONNABORTED']);

// ldapts throws ResultCodeErrors with the LDAP result code, and socket errors with a Node code.
export function directoryError(err: unknown, doing: string): DirectoryError {
  if (err instanceof DirectoryError) return err;
  const e = err as { code?: string | number; message?: string };
  const text = e.message ?? String(err);
  if (typeof e.code === 'number') {
    // 49 invalid credentials, 50 insufficient access, 48 inappropriate authentication, 13 confidentiality required
    if ([13, 48, 49, 50].includes(e.code)) return new DirectoryError('refused', `directory refused ${doing}: ${text}`);
    // 51 busy, 52 unavailable, 80 other (a server shutting down)
    if ([51, 52].includes(e.code))
      return new DirectoryError('unreachable', `directory unavailable while ${doing}: ${text}`);
    if (e.code === 68) return new DirectoryError('exists', `${doing}: ${text}`);
    return new DirectoryError('failed', `${doing}: ${text} (LDAP result ${e.code})`);
  }
  if ((typeof e.code === 'string' && DOWN.has(e.code)) || /timeout|timed out|socket|connection|closed/i.test(text)) {
    return new DirectoryError('unreachable', `directory unreachable while ${doing}: ${text}`);
  }
  return new DirectoryError('failed', `${doing}: ${text}`);
}
