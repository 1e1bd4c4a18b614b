import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import {
  VendorHttp,
  VendorOutcomeUnknownError,
  VendorRequestError,
  VendorThrottledError,
  type VendorExchange,
} from '../../src/fetch/adapter/vendor-http';

/** A vendor that answers each request with the next scripted reply, or `hang` (never answers). */
async function scriptedVendor(replies: Array<{ status: number; body?: unknown } | 'hang'>) {
  const seen: { method: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, body });
      const reply = replies.shift() ?? { status: 500, body: 'no more replies' };
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body ?? {}));
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

const guard = new OutboundGuard(['127.0.0.0/8']);
const client = (baseUrl: string, exchanges?: VendorExchange[]) =>
  new VendorHttp({
    baseUrl,
    headers: { 'x-buildium-client-secret': 'top-secret' },
    guard,
    throttleBackoffMs: 1,
    maxAttempts: 4,
    timeoutMs: 300,
    sleep: async () => undefined,
    exchanges: exchanges ? (e) => exchanges.push(e) : undefined,
  });

describe('VendorHttp writes: never twice at the vendor', () => {
  it.each([
    ['a 500', [{ status: 500 }]],
    ['a 502', [{ status: 502 }]],
    ['a 503', [{ status: 503 }]],
    ['a timeout after sending', ['hang' as const]],
  ])('a create that met %s is not resent: outcome unknown after one request', async (_what, replies) => {
    const vendor = await scriptedVendor([...replies, { status: 201, body: { Id: 1 } }]);
    try {
      const error = await client(vendor.url)
        .post('/v1/leases/tenants', { FirstName: 'A' }, { resend: 'unlessSent' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VendorOutcomeUnknownError);
      expect((error as Error).message).toMatch(
        /^outcome unknown: POST \/v1\/leases\/tenants .*; check the PMS before retry-write$/,
      );
      expect((error as VendorRequestError).retryable).toBe(false);
      expect(vendor.seen).toHaveLength(1);
    } finally {
      await vendor.close();
    }
  });

  it('a create throttled with 429 is sent again (the vendor did nothing)', async () => {
    const vendor = await scriptedVendor([{ status: 429 }, { status: 201, body: { Id: 7 } }]);
    try {
      const answer = await client(vendor.url).post('/v1/leases/tenants', {}, { resend: 'unlessSent' });
      expect(answer.data).toEqual({ Id: 7 });
      expect(vendor.seen).toHaveLength(2);
    } finally {
      await vendor.close();
    }
  });

  it("a create throttled inside a 200 body (Entrata's error 429) is sent again; one throttled in a 5xx body is not", async () => {
    const throttledBody = { response: { error: { code: 429, message: 'Rate limit reached.' } } };
    const inspect = (response: { data: unknown }) => {
      if ((response.data as { response?: { error?: unknown } }).response?.error)
        throw new VendorThrottledError('Entrata error 429');
    };
    const refused = await scriptedVendor([
      { status: 200, body: throttledBody },
      { status: 200, body: { ok: 1 } },
    ]);
    try {
      const answer = await client(refused.url).post('/leases', {}, { resend: 'unlessSent', inspect });
      expect(answer.data).toEqual({ ok: 1 });
      expect(refused.seen).toHaveLength(2);
    } finally {
      await refused.close();
    }
    const failing = await scriptedVendor([
      { status: 500, body: throttledBody },
      { status: 200, body: { ok: 1 } },
    ]);
    try {
      const error = await client(failing.url)
        .post('/leases', {}, { resend: 'unlessSent', inspect, inspectServerErrors: true })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VendorOutcomeUnknownError);
      expect(failing.seen).toHaveLength(1);
    } finally {
      await failing.close();
    }
  });

  it('a create whose connection was refused is sent again', async () => {
    // A port nobody listens on, then a vendor there: the first attempt is refused before anything is sent.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    let vendor: Awaited<ReturnType<typeof scriptedVendor>> | undefined;
    const http = new VendorHttp({
      baseUrl: `http://127.0.0.1:${port}`,
      headers: {},
      guard,
      throttleBackoffMs: 1,
      maxAttempts: 3,
      sleep: async () => {
        if (vendor) return;
        vendor = await scriptedVendor([{ status: 201, body: { Id: 3 } }]);
        // The vendor comes up on the refused port's neighbour; move the client there by a redirect-free reopen.
        (http as unknown as { http: { defaults: { baseURL: string } } }).http.defaults.baseURL = vendor.url;
      },
    });
    try {
      const answer = await http.post('/v1/leases/tenants', {}, { resend: 'unlessSent' });
      expect(answer.data).toEqual({ Id: 3 });
      expect(vendor!.seen).toHaveLength(1);
    } finally {
      await vendor?.close();
    }
  });

  it('a complete-value update (PUT) is resent after a 500', async () => {
    const vendor = await scriptedVendor([{ status: 500 }, { status: 200, body: { Id: 2 } }]);
    try {
      const answer = await client(vendor.url).put('/v1/leases/tenants/2', { FirstName: 'B' });
      expect(answer.data).toEqual({ Id: 2 });
      expect(vendor.seen.map((s) => s.method)).toEqual(['PUT', 'PUT']);
    } finally {
      await vendor.close();
    }
  });

  it('tells the write log each request and answer, never the headers (credentials)', async () => {
    const vendor = await scriptedVendor([{ status: 201, body: { Id: 9 } }]);
    const exchanges: VendorExchange[] = [];
    try {
      await client(vendor.url, exchanges).post('/v1/leases/tenants', { FirstName: 'C' }, { resend: 'unlessSent' });
      expect(exchanges).toEqual([
        { method: 'POST', path: '/v1/leases/tenants', body: { FirstName: 'C' }, status: 201, response: { Id: 9 } },
      ]);
      expect(JSON.stringify(exchanges)).not.toContain('top-secret');
    } finally {
      await vendor.close();
    }
  });
});
