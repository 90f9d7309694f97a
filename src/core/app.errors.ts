import type { ProblemKey } from './problem-keys.js';
import type { IssueFacts } from './zod-problems.js';

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

// The values a page fills into its translation of a problem ({min}, {name} …).
export type ProblemParams = Record<string, string | number>;

// A problem in English (what the API answers) and, for pages in another language, its stable
// key and values in the web's problem catalog (src/web/messages/problems.ts).
export interface Problem {
  message: string;
  key?: ProblemKey;
  params?: ProblemParams;
}

export interface FieldProblem extends Problem {
  field: string;
  // A zod issue in zod's own words: what its locales need to say it in another language.
  issue?: IssueFacts;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: {
      fields?: FieldProblem[];
      retryAfterSeconds?: number;
      // The refusal itself (its message) as a page translates it; see Problem.
      key?: ProblemKey;
      params?: ProblemParams;
      [key: string]: unknown;
    },
  ) {
    super(message);
    this.name = 'AppError';
  }

  // A refusal a page can show in its language: the problem's message, key and values.
  static of(code: AppErrorCode, problem: Problem, fields?: FieldProblem[]): AppError {
    return new AppError(code, problem.message, {
      key: problem.key,
      params: problem.params,
      ...(fields ? { fields } : {}),
    });
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }

  static validation(fields: FieldProblem[]): AppError {
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new AppError('VALIDATION_FAILED', `invalid input: ${summary}`, { fields });
  }
}
