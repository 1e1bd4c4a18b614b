import type { IncomingMessage, ServerResponse } from 'node:http';
import http from 'node:http';

/** One vendor simulator: answers requests under its mount point. */
export interface VendorSandbox {
  /** Handles `path` (relative to the mount, with query); false when it is not the sandbox's route. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Reads a body as text (the simulators are mounted before any body parser). */
export async function readText(req: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new BodyError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON body. Empty body = undefined. */
export async function readJson(req: IncomingMessage, limitBytes = 5_000_000): Promise<unknown> {
  const text = (await readText(req, limitBytes)).trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError('request body is not valid JSON');
  }
}

export class BodyError extends Error {}

export const isJsonObject = (value: unknown): value is Record<string, any> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServeOptions {
  port?: number;
  host?: string;
}

/** Serves one sandbox as a standalone HTTP server (tests, benchmarks, `node dist/sandbox/serve.js`). */
export async function serveSandbox(
  sandbox: VendorSandbox,
  options: ServeOptions = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (!sandbox.handle(req, res, req.url ?? '/')) sendJson(res, 404, { error: 'not found' });
  });
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Creates a simulator and runs it as its own HTTP server (tests, benchmarks). */
export async function startSandboxServer<Options, Sandbox extends VendorSandbox>(
  create: (options: Options) => Sandbox,
  options: Options & ServeOptions,
) {
  const sandbox = create(options);
  const server = await serveSandbox(sandbox, options);
  return { url: server.url, sandbox, close: server.close };
}
