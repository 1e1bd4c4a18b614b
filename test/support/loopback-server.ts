import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on a free 127.0.0.1 port; `close` also drops idle keep-alive connections, so teardown does not wait on them. */
export async function listenOnLoopback(server: http.Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A request's whole body as UTF-8 text. */
export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A server whose request handler is async: an error it throws answers 500 naming the error (so the client
 * under test fails visibly) instead of becoming an unhandled rejection.
 */
export function createAsyncServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<unknown>,
): http.Server {
  return http.createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`test server error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
}
