import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger as PinoLogger } from 'pino';

/** What every log line written while handling a request carries. */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * Requests between their start and their response's close. On Node 20 an enabled AsyncLocalStorage hooks
 * every promise and native callback of the process (4 % of the webhook dispatcher's CPU in a profile, when it
 * shares the process with the API), so the storage is off whenever no request is in flight.
 */
let requestsInFlight = 0;

export const REQUEST_ID_HEADER = 'x-request-id';
/** A caller's id is kept when it is a plain token: no spaces or control characters that could forge log lines. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;
/** Probes and scrapes come every few seconds: logged at debug, not info. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/** The incoming x-request-id when it is a sane token of at most 128 characters, else a fresh UUID. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Express middleware, mounted before everything else: gives the request its id (the `x-request-id`
 * response header), runs the rest of the request inside that context, and logs one line when the response
 * ends. Only the method and the path are logged: never the query string, headers or body. Work a request
 * leaves running after its response (none of ours does) may lose the id once no request is in flight.
 */
export function requestLogging(logger: PinoLogger) {
  const http = logger.child({ context: 'HTTP' });
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const startedAt = performance.now();
    const path = req.path;
    requestsInFlight += 1;
    res.once('close', () => {
      requestsInFlight -= 1;
      if (requestsInFlight === 0) requestContext.disable();
      const line = {
        request_id: requestId,
        method: req.method,
        path,
        status: res.statusCode,
        duration_ms: Math.round((performance.now() - startedAt) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (QUIET_PATHS.has(path)) http.debug(line, 'request');
      else http.info(line, 'request');
    });
    requestContext.run({ requestId }, next);
  };
}
