import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { requestContext } from './request-context';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Fields never written, at the top of a logged object or one level down (`{ headers: { authorization } }`):
 * log lines carry messages and ids, but a careless `logger.log({ ...dto })` must still not leak a secret.
 */
export const REDACTED_PATHS = ['authorization', 'credentials', 'secret', 'password', 'api_key', 'apiKey'].flatMap(
  (key) => [key, `*.${key}`],
);

/**
 * The process's one pino logger: JSON lines `{level, time, context, msg, request_id?, ...}` on stdout, at
 * LOG_LEVEL. Lines written while a request is handled carry its id (see request-context.ts).
 */
export function createLogger(
  level: LogLevel,
  destination: DestinationStream = pino.destination({ dest: 1, sync: true }),
): PinoLogger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { request_id: context.requestId } : {};
      },
    },
    destination,
  );
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService on pino, so every `new Logger('X').log(...)` becomes one JSON line with `context: 'X'`.
 * Nest passes the context last; `error` may pass a stack before it; objects passed along become fields.
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const rest = [...params];
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && !looksLikeStack(last)) fields.context = rest.pop();
    const args: unknown[] = [];
    for (const extra of rest) {
      if (extra === undefined) continue; // Nest's placeholder for an error without a stack
      if (extra instanceof Error) fields.err = extra;
      else if (typeof extra === 'string' && (level === 'error' || looksLikeStack(extra))) fields.stack = extra;
      else if (extra !== null && typeof extra === 'object') Object.assign(fields, extra);
      else args.push(extra);
    }
    if (args.length > 0) fields.args = args;
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (message !== null && typeof message === 'object') this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}

function looksLikeStack(text: string): boolean {
  return /\n\s+at /.test(text);
}
