// Domain errors carry a code; one filter (http/error.filter.ts) maps codes to HTTP statuses.
export type AppErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'INVALID_STATE'
  | 'STALE_VERSION'
  // A mailed link (registration, reset, e-mail change) that is used, replaced, expired or wrong.
  | 'LINK_INVALID'
  | 'TOO_LARGE'
  // An outside system allmende needs for the answer (a sync target) is down.
  | 'UNAVAILABLE';

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: { fields?: FieldProblem[]; retryAfterSeconds?: number; [key: string]: unknown },
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }

  static validation(fields: FieldProblem[]): AppError {
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new AppError('VALIDATION_FAILED', `invalid input: ${summary}`, { fields });
  }
}
