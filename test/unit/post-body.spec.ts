import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { postBody, RequestTimeoutError, type PostOptions } from '../../src/platform/outbound/post-body';

describe("postBody (the dispatcher's POST)", () => {
  let server: http.Server;
  let base: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const options = (over: Partial<PostOptions> = {}): PostOptions => ({
    agents,
    timeoutMs: 2000,
    keepBytes: 16,
    ...over,
  });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (req.url === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
        if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 1500);
        if (req.url === '/big') return void res.writeHead(200, { 'retry-after': '7' }).end('x'.repeat(100_000));
        res.writeHead(201).end('created');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    agents.http.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the body with its headers and a content-length, and returns status and body', async () => {
    const response = await postBody(
      new URL(`${base}/ok`),
      '{"é":1}',
      { 'content-type': 'application/json', 'x-extra': 'a' },
      options(),
    );
    expect(response.status).toBe(201);
    expect(response.body.toString()).toBe('created');
    const last = received.at(-1)!;
    expect(last.body).toBe('{"é":1}');
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('{"é":1}')));
    expect(last.headers['x-extra']).toBe('a');
  });

  it('keeps only the first keepBytes of a large response, with its headers', async () => {
    const response = await postBody(new URL(`${base}/big`), '{}', {}, options());
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(16);
    expect(response.headers['retry-after']).toBe('7');
  });

  it('does not follow redirects', async () => {
    const before = received.length;
    const response = await postBody(new URL(`${base}/redirect`), '{}', {}, options());
    expect(response.status).toBe(302);
    expect(received.length).toBe(before + 1);
  });

  it('fails with a timeout when the whole exchange takes longer than timeoutMs', async () => {
    await expect(postBody(new URL(`${base}/slow`), '{}', {}, options({ timeoutMs: 300 }))).rejects.toBeInstanceOf(
      RequestTimeoutError,
    );
  });

  it('fails on a refused connection', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(postBody(new URL(`http://127.0.0.1:${port}/`), '{}', {}, options())).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
