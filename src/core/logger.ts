import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

// JSON lines on stdout; pipe through `pino-pretty` for reading by eye.
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'allmende' }, timestamp: pino.stdTimeFunctions.isoTime });
}

// Nest's own messages (module wiring, routes) go to the same JSON log.
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}
  log(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}
