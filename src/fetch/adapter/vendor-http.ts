import type { VendorRequestObserver } from '../../platform/observability/vendor-requests';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { parseRetryAfter } from '../../platform/common/http/retry-after';
import type { OutboundGuard } from '../../platform/outbound/outbound-guard';
import { utf8Text } from '../../platform/text/utf8-text';

export class VendorAuthError extends Error {
  readonly retryable = false;
}
export class VendorRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    /** The vendor's answer (parsed JSON, else text) of a refused request, for adapters that read its field errors. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}
/**
 * The vendor refused a write and said why: `errors` are its reasons as write-status shows them (its message, then
 * one `field: reason` per field it named). Final, like any refusal.
 */
export class VendorWriteRejectedError extends VendorRequestError {
  constructor(
    readonly errors: string[],
    status: number,
  ) {
    super(errors.join('; '), status, false);
  }
}
/**
 * The vendor accepted the credentials but refuses this call (HTTP 403, Entrata's error 304, Yardi's
 * "Invalid Interface Entity or License"): the model is not readable with them. Final, never retried; the
 * data-access check records it as the model's FAILED read, with the vendor's own words.
 */
export class VendorAccessDeniedError extends VendorRequestError {
  constructor(message: string, status: number | null = 403) {
    super(message, status, false);
  }
}
/**
 * A write whose request may have reached the vendor failed without a verdict (a timeout after sending, a reset,
 * a 5xx): the vendor may have done it, so it is not sent again by itself (docs/vendors/models.md §2).
 */
export class VendorOutcomeUnknownError extends VendorRequestError {
  constructor(message: string, status: number | null) {
    super(`outcome unknown: ${message}; check the PMS before retry-write`, status, false);
  }
}

/** The vendor asked us to slow down (HTTP 429/503, or a throttle reported inside a 200 body). */
export class VendorThrottledError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/**
 * What the sync layer lends a vendor's HTTP: the integration's request budget (a slot before every request,
 * shared by every worker) and its circuit breaker (told how each request ended). Both optional for tests.
 */
export interface VendorRequestGate {
  /** Resolves when this request may go (waits for the integration's next request slot). */
  acquire(): Promise<void>;
  /** A request that finally succeeded (true) or failed after its retries (false). */
  settle(ok: boolean, error?: string): Promise<void>;
}

export interface VendorHttpOptions {
  baseUrl: string;
  headers: Record<string, string>;
  guard: OutboundGuard;
  throttleBackoffMs: number;
  /** Attempts per request for throttling, 5xx, timeouts and connection errors. */
  maxAttempts?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  gate?: VendorRequestGate;
  /** Told how each attempt went and how long it took (metrics); vendors never see it. */
  observer?: VendorRequestObserver;
  /** Told of each attempt's request and answer (the write log); the headers, which hold credentials, are left out. */
  exchanges?: (exchange: VendorExchange) => void;
}

/** One attempt as the write log keeps it: no headers (they carry the credentials). */
export interface VendorExchange {
  method: string;
  path: string;
  params?: Record<string, string | number | undefined>;
  body?: unknown;
  status: number | null;
  response: unknown;
  error?: string;
}

export interface VendorResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

export interface VendorRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  /** Relative to the base URL. */
  path?: string;
  /** Absolute URL (a cursor the vendor handed out); checked by the outbound guard like any other. */
  url?: string;
  params?: Record<string, string | number | undefined>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** `text` for XML vendors; JSON is parsed by default. */
  responseType?: 'json' | 'text';
  /**
   * Looks at a 2xx answer before it is returned, for vendors that report errors inside a 200 body: throw
   * VendorThrottledError (retried after a back-off), VendorRequestError with retryable=true (retried),
   * VendorAuthError or a non-retryable VendorRequestError (not retried).
   */
  inspect?: (response: VendorResponse) => void;
  /**
   * Also `inspect` 5xx answers (their raw body), for vendors whose errors say more than the status (a SOAP
   * Fault comes with HTTP 500): a VendorAuthError, VendorAccessDeniedError or VendorThrottledError it throws
   * counts; anything else leaves the 5xx a transient failure, retried.
   */
  inspectServerErrors?: boolean;
  /**
   * `unlessSent` for a write the vendor cannot dedupe (a create): sent again only when the vendor certainly did
   * nothing (a throttle, a connection refused); any other failure throws VendorOutcomeUnknownError. Reads and
   * complete-value updates are resent as usual.
   */
  resend?: 'unlessSent';
}

/**
 * HTTP to a vendor, shared by every adapter: the outbound guard, timeouts, the integration's request budget,
 * back-off on throttling (honouring Retry-After when sent, else exponential from the vendor's first
 * interval), and retries of transient failures. Auth failures and other 4xx are not retried.
 */
export class VendorHttp {
  private readonly http: AxiosInstance;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: VendorHttpOptions) {
    options.guard.assertUrlAllowed(options.baseUrl);
    this.maxAttempts = options.maxAttempts ?? 6;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      headers: { accept: 'application/json', ...options.headers },
      timeout: options.timeoutMs ?? 30_000,
      maxRedirects: 0,
      validateStatus: () => true,
      httpAgent: options.guard.httpAgent,
      httpsAgent: options.guard.httpsAgent,
      // Bodies come back as bytes, are decoded (utf8Text) and JSON is parsed here, after the status: a vendor's
      // plain-text 401 or 429 must still read as an auth error or a throttle, not as a broken connection.
      responseType: 'arraybuffer',
      transformResponse: [(body: unknown) => body],
      transitional: { clarifyTimeoutError: true },
    });
  }

  get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<VendorResponse<T>> {
    return this.request<T>({ method: 'GET', path, params });
  }

  post<T>(
    path: string,
    body: unknown,
    extra: Omit<VendorRequest, 'method' | 'path' | 'body'> = {},
  ): Promise<VendorResponse<T>> {
    return this.request<T>({ ...extra, method: 'POST', path, body });
  }

  put<T>(
    path: string,
    body: unknown,
    extra: Omit<VendorRequest, 'method' | 'path' | 'body'> = {},
  ): Promise<VendorResponse<T>> {
    return this.request<T>({ ...extra, method: 'PUT', path, body });
  }

  async request<T>(request: VendorRequest): Promise<VendorResponse<T>> {
    try {
      const response = await this.attempts<T>(request);
      await this.options.gate?.settle(true);
      return response;
    } catch (error) {
      if (error instanceof VendorCircuitOpenError) throw error; // no request was sent
      // Only the vendor being unreachable or failing counts against its circuit, not a refusal of ours.
      const failing = error instanceof VendorRequestError ? error.retryable : !(error instanceof VendorAuthError);
      await this.options.gate?.settle(!failing, (error as Error).message);
      throw error;
    }
  }

  private async attempts<T>(request: VendorRequest): Promise<VendorResponse<T>> {
    const method = request.method ?? 'GET';
    const target = request.url ?? request.path ?? '/';
    const label = `${method} ${request.path ?? pathOf(target)}`;
    if (request.url) this.options.guard.assertUrlAllowed(request.url);
    const json = request.body !== undefined && typeof request.body !== 'string';
    const data = json ? JSON.stringify(request.body) : (request.body as string | undefined);
    const headers = json ? { 'content-type': 'application/json', ...request.headers } : request.headers;
    let throttleDelay = this.options.throttleBackoffMs;
    for (let attempt = 1; ; attempt++) {
      await this.options.gate?.acquire();
      const sentAt = performance.now();
      let outcome: Outcome<T> | undefined;
      let answer: AxiosResponse | undefined;
      try {
        const response = await this.http.request<Buffer>({
          method,
          url: target,
          params: request.params ? dropUndefined(request.params) : undefined,
          headers,
          data,
        });
        answer = { ...response, data: utf8Text(response.data) };
        outcome = readAnswer<T>(request, answer, label);
      } catch (error) {
        const e = error as { code?: string; message: string };
        if (e.code === 'OUTBOUND_BLOCKED' || (error as Error).name === 'OutboundBlockedError')
          throw new VendorRequestError(e.message, null, false);
        if (!(error as { isAxiosError?: boolean }).isAxiosError) throw error; // a verdict of readAnswer: final
        outcome = { kind: 'retry', status: null, reason: e.message, unsent: NOT_SENT_CODES.has(e.code ?? '') };
      } finally {
        this.options.observer?.(outcome?.kind ?? 'error', (performance.now() - sentAt) / 1000);
        this.options.exchanges?.({
          method,
          path: request.path ?? pathOf(target),
          params: request.params,
          body: request.body,
          status: answer?.status ?? null,
          response: answer ? parsedOrText(answer.data) : null,
          ...(outcome?.kind === 'retry' && !answer ? { error: outcome.reason } : {}),
        });
      }
      if (outcome.kind === 'ok') return outcome.response;
      // A create may have been done by a vendor that failed to answer: only a refusal to talk is safe to resend.
      if (request.resend === 'unlessSent' && outcome.kind === 'retry' && !outcome.unsent)
        throw new VendorOutcomeUnknownError(`${label} ${outcome.reason}`, outcome.status);
      // A 429, or a throttle said inside a 2xx body (Entrata's error 429, Yardi's "Database busy"), is a refusal:
      // nothing was done. A 503, or a throttle read from a 5xx body, may come from a vendor that failed midway.
      if (request.resend === 'unlessSent' && outcome.kind === 'throttled' && outcome.status >= 500)
        throw new VendorOutcomeUnknownError(`${label} answered HTTP ${outcome.status}`, outcome.status);
      if (attempt >= this.maxAttempts) {
        const why =
          outcome.kind === 'throttled'
            ? `still throttled after ${attempt} attempts`
            : `failed after ${attempt} attempts: ${outcome.reason}`;
        throw new VendorRequestError(`${label} ${why}`, outcome.status, true);
      }
      if (outcome.kind === 'throttled') {
        await this.sleep(outcome.retryAfterMs ?? throttleDelay);
        throttleDelay *= 2;
      } else {
        await this.sleep(backoff(throttleDelay, attempt));
      }
    }
  }
}

type Outcome<T> =
  | { kind: 'ok'; response: VendorResponse<T> }
  | { kind: 'throttled'; status: number; retryAfterMs: number | null }
  | { kind: 'retry'; status: number | null; reason: string; unsent?: boolean };

/** Connection errors raised before any byte of the request left: the vendor certainly did nothing. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * What one answer means: success, a throttle, a transient failure worth another attempt, or (thrown) a final
 * error. 2xx bodies are parsed here, after the status, and go through the request's `inspect` (5xx ones too
 * when it asks), for vendors that say more in the body than in the status.
 */
function readAnswer<T>(request: VendorRequest, response: AxiosResponse, label: string): Outcome<T> {
  const { status } = response;
  const headers = response.headers as Record<string, string>;
  if (status >= 200 && status < 300) {
    let data: unknown = response.data;
    if (request.responseType !== 'text') {
      try {
        data = parseJsonBody(String(data));
      } catch {
        return { kind: 'retry', status, reason: `HTTP ${status} with a body that is not JSON: ${excerpt(data)}` };
      }
    }
    const answer: VendorResponse<T> = { status, headers, data: data as T };
    return inspected(request, answer) ?? { kind: 'ok', response: answer };
  }
  if (status === 401)
    throw new VendorAuthError(`The vendor refused the credentials (HTTP 401): ${excerpt(response.data)}`);
  if (status === 403) throw new VendorAccessDeniedError(`${label} was denied (HTTP 403): ${excerpt(response.data)}`);
  if (status === 429 || status === 503)
    return { kind: 'throttled', status, retryAfterMs: parseRetryAfter(headers['retry-after']) };
  if (status >= 500) {
    const transient: Outcome<T> = { kind: 'retry', status, reason: `HTTP ${status}: ${excerpt(response.data)}` };
    if (!request.inspectServerErrors) return transient;
    // A 5xx stays transient unless its body refuses the credentials or the call, or asks us to slow down.
    try {
      request.inspect?.({ status, headers, data: response.data });
    } catch (error) {
      if (error instanceof VendorAuthError || error instanceof VendorAccessDeniedError) throw error;
      if (error instanceof VendorThrottledError) return { kind: 'throttled', status, retryAfterMs: error.retryAfterMs };
      return { ...transient, reason: (error as Error).message };
    }
    return transient;
  }
  throw new VendorRequestError(
    `${label} was rejected with HTTP ${status}: ${excerpt(response.data)}`,
    status,
    false,
    parsedOrText(response.data),
  );
}

/** The request's own reading of an answer: null when it finds nothing wrong; final errors are thrown. */
function inspected<T>(request: VendorRequest, answer: VendorResponse): Outcome<T> | null {
  try {
    request.inspect?.(answer);
    return null;
  } catch (error) {
    if (error instanceof VendorThrottledError)
      return { kind: 'throttled', status: answer.status, retryAfterMs: error.retryAfterMs };
    if (error instanceof VendorRequestError && error.retryable)
      return { kind: 'retry', status: error.status ?? answer.status, reason: error.message };
    throw error;
  }
}

/** A named frame, so profiles (bench/vendor-first-sync.js) can tell parsing from the rest. */
function parseJsonBody(text: string): unknown {
  return text === '' ? null : JSON.parse(text);
}

/** An answer's body for the write log: JSON when it parses, else the text. */
function parsedOrText(data: unknown): unknown {
  try {
    return parseJsonBody(String(data));
  } catch {
    return String(data).slice(0, 10_000);
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function dropUndefined(params: Record<string, string | number | undefined>) {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

function backoff(base: number, attempt: number): number {
  return Math.min(30_000, base * 2 ** (attempt - 1));
}

function excerpt(data: unknown): string {
  const s = typeof data === 'string' ? data : JSON.stringify(data);
  return (s ?? '').slice(0, 500);
}

/** The integration's circuit is open: the vendor kept failing, so no request is sent until it half-opens. */
export class VendorCircuitOpenError extends Error {
  readonly retryable = true;
}
