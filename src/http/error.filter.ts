import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { AppError, type AppErrorCode } from '../core/app.errors.js';
import { sendErrorPage, wantsPage } from '../web/error-page.js';

const STATUS: Record<AppErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STALE_VERSION: 409,
  INVALID_STATE: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  LINK_INVALID: 410,
  UNAVAILABLE: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

// The one place where errors become HTTP answers: { error: { code, message, fields? } }.
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly log: Logger,
    private readonly config: AppConfig,
  ) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, body, retryAfter } = this.toResponse(err, req);
    if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
    // A person's browser gets a page (or the login); programs get the JSON body.
    if (wantsPage(req)) {
      // A refusal a service named by key is said in the page's language.
      const said =
        err instanceof AppError
          ? { key: err.details?.key, params: err.details?.params, fields: err.details?.fields }
          : {};
      void sendErrorPage(req, reply, this.config, status, body.error.code, { message: body.error.message, ...said });
      return;
    }
    void reply.status(status).send(body);
  }

  private toResponse(err: unknown, req: FastifyRequest): { status: number; body: ErrorBody; retryAfter?: number } {
    if (err instanceof AppError) {
      return {
        status: STATUS[err.code],
        body: {
          error: {
            code: err.code,
            message: err.message,
            // The API answers in English: the keys pages translate by stay inside.
            fields: err.details?.fields?.map(({ field, message }) => ({ field, message })),
          },
        },
        retryAfter: err.details?.retryAfterSeconds,
      };
    }
    // Fastify's body parser: malformed JSON, wrong content type, body too large.
    const fastifyCode = (err as { code?: string }).code;
    const statusCode = (err as { statusCode?: number }).statusCode;
    if (fastifyCode?.startsWith('FST_') && statusCode && statusCode < 500) {
      const message =
        fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
          ? 'request body is not valid JSON'
          : (err as Error).message;
      return { status: statusCode, body: { error: { code: 'BAD_REQUEST', message } } };
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const code = status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
      const message = status === 404 ? `no route ${req.method} ${req.url.split('?')[0] ?? ''}` : err.message;
      return { status, body: { error: { code, message } } };
    }
    this.log.error({ err, method: req.method, url: req.url }, 'unhandled error');
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; the log has the details' } } };
  }
}
