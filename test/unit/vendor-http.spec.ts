import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import {
  VendorAccessDeniedError,
  VendorAuthError,
  VendorCircuitOpenError,
  VendorHttp,
  VendorRequestError,
  VendorThrottledError,
  type VendorRequestGate,
} from '../../src/fetch/adapter/vendor-http';

/** A vendor that answers each request with the next scripted reply. */
async function scriptedVendor(
  replies: Array<{ status: number; body: unknown; headers?: Record<string, string>; raw?: boolean }>,
) {
  const seen: { method: string; url: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body });
      const reply = replies.shift() ?? { status: 500, body: 'no more replies', raw: true };
      res
        .writeHead(reply.status, { 'content-type': reply.raw ? 'text/plain' : 'application/json', ...reply.headers })
        .end(reply.raw ? String(reply.body) : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}

function recordingGate() {
  const calls: string[] = [];
  const gate: VendorRequestGate = {
    acquire: async () => void calls.push('acquire'),
    settle: async (ok) => void calls.push(ok ? 'ok' : 'failed'),
  };
  return { gate, calls };
}

const guard = new OutboundGuard(['127.0.0.0/8']);
const sleeps: number[] = [];
const client = (baseUrl: string, gate?: VendorRequestGate) =>
  new VendorHttp({
    baseUrl,
    headers: { 'x-key': 'k' },
    guard,
    throttleBackoffMs: 10,
    maxAttempts: 3,
    gate,
    sleep: async (ms) => void sleeps.push(ms),
  });

/** Entrata-style: errors inside HTTP 200 bodies. */
const inspect = (response: { data: unknown }) => {
  const error = (response.data as { error?: { code: number; message: string } }).error;
  if (!error) return;
  if (error.code === 429) throw new VendorThrottledError(error.message, 1500);
  if (error.code === 301) throw new VendorAuthError(error.message);
  throw new VendorRequestError(error.message, null, error.code >= 500);
};

describe('VendorHttp', () => {
  beforeEach(() => sleeps.splice(0));

  it('POSTs JSON with the auth headers and takes a slot from the gate before every attempt', async () => {
    const vendor = await scriptedVendor([
      { status: 503, body: {} },
      { status: 200, body: { result: 1 } },
    ]);
    const { gate, calls } = recordingGate();
    const response = await client(vendor.url, gate).post('/rpc', { method: 'getThings' });
    expect(response.data).toEqual({ result: 1 });
    expect(vendor.seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', '/rpc', '{"method":"getThings"}'],
      ['POST', '/rpc', '{"method":"getThings"}'],
    ]);
    expect(calls).toEqual(['acquire', 'acquire', 'ok']);
    await vendor.close();
  });

  it('reuses a kept-alive socket for the next requests without setting its TCP keep-alive again', async () => {
    const vendor = await scriptedVendor([1, 2, 3, 4].map((n) => ({ status: 200, body: { n } })));
    try {
      const http = client(vendor.url);
      expect((await http.get('/things')).data).toEqual({ n: 1 });
      const pooled = Object.values(guard.httpAgent.freeSockets).flat();
      expect(pooled).toHaveLength(1);
      const handle = (pooled[0] as unknown as { _handle: { setKeepAlive: (...args: unknown[]) => unknown } })._handle;
      const setKeepAlive = jest.spyOn(handle, 'setKeepAlive');
      for (const n of [2, 3, 4]) expect((await http.get('/things')).data).toEqual({ n });
      // axios asks for 60 s on each request and the agent for its own delay on each return to the pool: a system
      // call each, per request, unless the two agree
      expect(setKeepAlive).not.toHaveBeenCalled();
      expect(Object.values(guard.httpAgent.freeSockets).flat()).toEqual(pooled);
    } finally {
      await vendor.close();
    }
  });

  it('retries a throttle reported inside a 200 body after its Retry-After, and a retryable in-body error after a back-off', async () => {
    const vendor = await scriptedVendor([
      { status: 200, body: { error: { code: 429, message: 'slow down' } } },
      { status: 200, body: { error: { code: 500, message: 'database busy' } } },
      { status: 200, body: { data: 'ok' } },
    ]);
    const response = await client(vendor.url).request({ method: 'POST', path: '/rpc', body: {}, inspect });
    expect(response.data).toEqual({ data: 'ok' });
    expect(sleeps).toEqual([1500, 40]); // Retry-After as sent; then the back-off, doubled once by the throttle, for attempt 2
    await vendor.close();
  });

  it('does not retry an auth error or a non-retryable in-body error, and only vendor failures count against the circuit', async () => {
    const vendor = await scriptedVendor([
      { status: 200, body: { error: { code: 301, message: 'bad key' } } },
      { status: 200, body: { error: { code: 304, message: 'no permission' } } },
    ]);
    const { gate, calls } = recordingGate();
    await expect(
      client(vendor.url, gate).request({ method: 'POST', path: '/rpc', body: {}, inspect }),
    ).rejects.toBeInstanceOf(VendorAuthError);
    await expect(
      client(vendor.url, gate).request({ method: 'POST', path: '/rpc', body: {}, inspect }),
    ).rejects.toMatchObject({ retryable: false, message: 'no permission' });
    expect(vendor.seen).toHaveLength(2);
    expect(calls).toEqual(['acquire', 'ok', 'acquire', 'ok']);
    await vendor.close();
  });

  it('gives up after maxAttempts on 5xx and reports the failure to the gate once', async () => {
    const vendor = await scriptedVendor([
      { status: 500, body: 'a' },
      { status: 502, body: 'b' },
      { status: 500, body: 'c' },
    ]);
    const { gate, calls } = recordingGate();
    await expect(client(vendor.url, gate).get('/things')).rejects.toMatchObject({ retryable: true, status: 500 });
    expect(calls).toEqual(['acquire', 'acquire', 'acquire', 'failed']);
    await vendor.close();
  });

  it('sends nothing and settles nothing while the circuit is open', async () => {
    const vendor = await scriptedVendor([{ status: 200, body: {} }]);
    const calls: string[] = [];
    const gate: VendorRequestGate = {
      acquire: async () => {
        throw new VendorCircuitOpenError('open');
      },
      settle: async () => void calls.push('settle'),
    };
    await expect(client(vendor.url, gate).get('/things')).rejects.toBeInstanceOf(VendorCircuitOpenError);
    expect(vendor.seen).toHaveLength(0);
    expect(calls).toEqual([]);
    await vendor.close();
  });

  it('reads plain-text error answers by their status: a 429 waits its Retry-After, a 401 is an auth error', async () => {
    const vendor = await scriptedVendor([
      { status: 429, body: 'Too Many Requests', headers: { 'retry-after': '2' }, raw: true },
      { status: 401, body: 'HTTP Basic: Access denied.', raw: true },
    ]);
    await expect(client(vendor.url).get('/things')).rejects.toMatchObject({
      message: expect.stringMatching(/HTTP 401.*Access denied/),
    });
    expect(sleeps).toEqual([2000]);
    await vendor.close();
  });

  it("ends a 403 at once as access denied (401 stays an auth error), keeping the vendor's words, outside the circuit", async () => {
    const vendor = await scriptedVendor([
      { status: 403, body: { UserMessage: 'No permission for tenants', ErrorCode: 'Forbidden', Errors: [] } },
      { status: 401, body: { UserMessage: 'Bad key', ErrorCode: 'Unauthorized', Errors: [] } },
    ]);
    const { gate, calls } = recordingGate();
    const denied = client(vendor.url, gate).get('/v1/leases/tenants', { limit: 1 });
    await expect(denied).rejects.toBeInstanceOf(VendorAccessDeniedError);
    await expect(denied).rejects.toMatchObject({
      status: 403,
      retryable: false,
      message: expect.stringMatching(/GET \/v1\/leases\/tenants was denied \(HTTP 403\).*No permission for tenants/),
    });
    await expect(client(vendor.url, gate).get('/v1/rentals')).rejects.toBeInstanceOf(VendorAuthError);
    expect(vendor.seen).toHaveLength(2);
    expect(calls).toEqual(['acquire', 'ok', 'acquire', 'ok']);
    await vendor.close();
  });

  it('retries a 2xx whose body is not JSON, then fails saying so', async () => {
    const vendor = await scriptedVendor(
      [1, 2, 3].map(() => ({ status: 200, body: '<html>maintenance</html>', raw: true })),
    );
    await expect(client(vendor.url).get('/things')).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/not JSON: <html>maintenance/),
    });
    expect(vendor.seen).toHaveLength(3);
    await vendor.close();
  });

  it('reads a 5xx body only when asked: refused credentials or calls end at once, anything else is retried', async () => {
    const soapInspect = (response: { data: unknown }) => {
      if (/Invalid license/.test(String(response.data))) throw new VendorAuthError('refused');
      if (/Invalid interface/.test(String(response.data))) throw new VendorAccessDeniedError('denied', 500);
      throw new VendorRequestError(`unreadable: ${String(response.data)}`, null, false);
    };
    const refusing = await scriptedVendor([
      { status: 500, body: '<Fault>Invalid license</Fault>', raw: true },
      { status: 500, body: '<Fault>Invalid interface</Fault>', raw: true },
    ]);
    await expect(
      client(refusing.url).request({
        path: '/soap',
        responseType: 'text',
        inspect: soapInspect,
        inspectServerErrors: true,
      }),
    ).rejects.toBeInstanceOf(VendorAuthError);
    await expect(
      client(refusing.url).request({
        path: '/soap',
        responseType: 'text',
        inspect: soapInspect,
        inspectServerErrors: true,
      }),
    ).rejects.toBeInstanceOf(VendorAccessDeniedError);
    expect(refusing.seen).toHaveLength(2);
    await refusing.close();
    const flaky = await scriptedVendor([
      { status: 500, body: 'Server Error', raw: true },
      { status: 500, body: '<Fault>Invalid license</Fault>', raw: true },
    ]);
    // Without inspectServerErrors the Fault is an ordinary 500: retried, then given up.
    await expect(
      client(flaky.url).request({ path: '/soap', responseType: 'text', inspect: soapInspect }),
    ).rejects.toMatchObject({ retryable: true });
    expect(flaky.seen).toHaveLength(3);
    await flaky.close();
  });

  it('follows an absolute cursor URL and reads text answers as text', async () => {
    const vendor = await scriptedVendor([{ status: 200, body: '<a/>' }]);
    const response = await client('http://127.0.0.1:9').request({
      url: `${vendor.url}/next?page=2`,
      responseType: 'text',
    });
    expect(vendor.seen[0].url).toBe('/next?page=2');
    expect(response.data).toBe('"<a/>"');
    await vendor.close();
  });
});
