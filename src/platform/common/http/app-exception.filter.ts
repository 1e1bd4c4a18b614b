import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, ERROR_STATUS, ErrorCode } from '../errors/app-error';
import { textOf } from '../../text/text-of';

// The first code of each status names a framework error of that status (400 is invalid_request).
const STATUS_CODES = Object.fromEntries(
  Object.entries(ERROR_STATUS)
    .reverse()
    .map(([code, status]) => [status, code]),
) as Record<number, ErrorCode>;

/**
 * The one place errors become HTTP responses: `{"error": {"code", "message", "details"}}` (API.md §2).
 * Domain errors carry their code; framework errors (unknown route, body too large, malformed JSON) are
 * mapped by status; anything else is a 500 whose message reveals nothing internal.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const { status, body } = toErrorResponse(exception, request);
    if (status >= 500)
      this.logger.error(
        `${request.method} ${request.path} failed: ${(exception as Error)?.stack ?? String(exception)}`,
      );
    if (
      exception instanceof AppError &&
      exception.code === 'rate_limited' &&
      typeof exception.details.retry_after_seconds === 'number'
    ) {
      response.setHeader('Retry-After', String(exception.details.retry_after_seconds));
    }
    response.status(status).json(body);
  }
}

export function toErrorResponse(
  exception: unknown,
  request: { method: string; path: string },
): { status: number; body: unknown } {
  if (exception instanceof AppError) {
    return {
      status: ERROR_STATUS[exception.code],
      body: envelope(exception.code, exception.message, exception.details),
    };
  }
  const status = statusOf(exception);
  if (status !== undefined && status < 500) {
    const code = STATUS_CODES[status] ?? (status === 405 ? 'not_found' : 'invalid_request');
    if (status === 404)
      return { status, body: envelope('not_found', `No route for ${request.method} ${request.path}`, {}) };
    if (status === 413)
      return { status, body: envelope('payload_too_large', 'The request body is too large', bodyLimitOf(exception)) };
    if (isBodyParseError(exception))
      return {
        status: 400,
        body: envelope('invalid_request', 'The request body is not valid JSON', {
          fields: { body: ['must be valid JSON'] },
        }),
      };
    return { status, body: envelope(code, messageOf(exception), {}) };
  }
  return { status: 500, body: envelope('internal_error', 'An unexpected error occurred', {}) };
}

function envelope(code: string, message: string, details: Record<string, unknown>) {
  return { error: { code, message, details } };
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const candidate = exception as { status?: unknown; statusCode?: unknown };
  const status = candidate?.status ?? candidate?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

/** body-parser's `entity.too.large` error (Nest passes it on as the cause) names the limit: tell the client what it is. */
function bodyLimitOf(exception: unknown): Record<string, unknown> {
  const e = exception as { limit?: unknown; cause?: { limit?: unknown } };
  const limit = e?.limit ?? e?.cause?.limit;
  return typeof limit === 'number' ? { max_bytes: limit } : {};
}

function isBodyParseError(exception: unknown): boolean {
  const e = exception as { type?: string; cause?: { type?: string }; message?: string };
  return (
    e?.type === 'entity.parse.failed' || e?.cause?.type === 'entity.parse.failed' || exception instanceof SyntaxError
  );
}

function messageOf(exception: unknown): string {
  if (exception instanceof HttpException) {
    const res = exception.getResponse();
    if (typeof res === 'string') return res;
    const message = (res as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : textOf(message ?? exception.message);
  }
  return (exception as Error)?.message ?? 'Request failed';
}
