import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { OutboundGuard } from '../outbound/outbound-guard';

export class VendorAuthError extends Error {
  readonly retryable = false;
}
export class VendorRequestError extends Error {
  constructor(message: string, readonly status: number | null, readonly retryable: boolean) {
    super(message);
  }
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
}

export interface VendorResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

/**
 * HTTP to a vendor, shared by every adapter: the outbound guard, timeouts, back-off on throttling
 * (honouring Retry-After when sent, else exponential from the vendor's first interval), and retries of
 * transient failures. Auth failures and other 4xx are not retried.
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
      transitional: { silentJSONParsing: false, forcedJSONParsing: true, clarifyTimeoutError: true },
    });
  }

  async get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<VendorResponse<T>> {
    let throttleDelay = this.options.throttleBackoffMs;
    for (let attempt = 1; ; attempt++) {
      let response: AxiosResponse;
      try {
        response = await this.http.get(path, { params: dropUndefined(params) });
      } catch (error) {
        const e = error as { code?: string; message: string };
        if (e.code === 'OUTBOUND_BLOCKED' || (error as Error).name === 'OutboundBlockedError') throw new VendorRequestError(e.message, null, false);
        if (attempt >= this.maxAttempts) throw new VendorRequestError(`GET ${path} failed after ${attempt} attempts: ${e.message}`, null, true);
        await this.sleep(backoff(throttleDelay, attempt));
        continue;
      }
      const { status } = response;
      if (status >= 200 && status < 300) {
        return { status, headers: response.headers as Record<string, string>, data: response.data as T };
      }
      if (status === 401 || status === 403) {
        throw new VendorAuthError(`The vendor refused the credentials (HTTP ${status}): ${excerpt(response.data)}`);
      }
      if (status === 429 || status === 503) {
        if (attempt >= this.maxAttempts) throw new VendorRequestError(`GET ${path} still throttled after ${attempt} attempts (HTTP ${status})`, status, true);
        const retryAfter = parseRetryAfter(response.headers['retry-after']);
        await this.sleep(retryAfter ?? throttleDelay);
        throttleDelay *= 2;
        continue;
      }
      if (status >= 500) {
        if (attempt >= this.maxAttempts) throw new VendorRequestError(`GET ${path} failed with HTTP ${status} after ${attempt} attempts: ${excerpt(response.data)}`, status, true);
        await this.sleep(backoff(throttleDelay, attempt));
        continue;
      }
      throw new VendorRequestError(`GET ${path} was rejected with HTTP ${status}: ${excerpt(response.data)}`, status, false);
    }
  }
}

function dropUndefined(params: Record<string, string | number | undefined>) {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

function backoff(base: number, attempt: number): number {
  return Math.min(30_000, base * 2 ** (attempt - 1));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function excerpt(data: unknown): string {
  const s = typeof data === 'string' ? data : JSON.stringify(data);
  return (s ?? '').slice(0, 500);
}
