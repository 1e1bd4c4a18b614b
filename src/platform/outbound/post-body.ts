import http from 'node:http';
import https from 'node:https';

export interface PostResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The first `keepBytes` of the response body; the rest is read and dropped so the socket can be reused. */
  body: Buffer;
}

export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

export interface PostOptions {
  agents: { http: http.Agent; https: https.Agent };
  timeoutMs: number;
  keepBytes: number;
}

/**
 * One POST on node:http, for the webhook dispatcher's hot path: axios's per-request config merging cost
 * a fifth of the dispatcher's CPU at a thousand deliveries a second. Redirects are never followed (node:http
 * does not), and `timeoutMs` bounds the whole exchange, connection to last byte.
 */
export function postBody(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<PostResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const request = (secure ? https : http).request(url, {
      method: 'POST',
      agent: secure ? options.agents.https : options.agents.http,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(
      () => request.destroy(new RequestTimeoutError(`timeout after ${options.timeoutMs / 1000} s`)),
      options.timeoutMs,
    );
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on('response', (response) => {
      const kept: Buffer[] = [];
      let keptBytes = 0;
      response.on('data', (chunk: Buffer) => {
        if (keptBytes >= options.keepBytes) return;
        kept.push(chunk);
        keptBytes += chunk.length;
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(kept).subarray(0, options.keepBytes),
        });
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    request.end(body);
  });
}
