import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import request from 'supertest';
import { createLogger, PinoLoggerService } from '../../src/platform/observability/logging';
import { Metrics, type QueueSnapshot } from '../../src/platform/observability/metrics';
import { requestContext, requestIdFrom, requestLogging } from '../../src/platform/observability/request-context';
import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import { VendorHttp } from '../../src/fetch/adapter/vendor-http';
import type { VendorAttemptOutcome } from '../../src/platform/observability/vendor-requests';

/** A logger writing into an array of parsed JSON lines. */
function capturedLogger(level: 'debug' | 'info' = 'info') {
  const lines: any[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('keeps a sane caller token of at most 128 characters', () => {
    for (const id of ['abc', 'req-42', '3f2b1c9e-1d2a-4c3b-9a8f-0123456789ab', 'trace:1/span=2+x@y.z', 'a'.repeat(128)])
      expect(requestIdFrom(id)).toBe(id);
  });

  it('replaces anything else with a fresh UUID', () => {
    for (const bad of [
      '',
      'a'.repeat(129),
      'two words',
      'line\nbreak',
      '"quoted"',
      '{"level":"fatal"}',
      'é',
      undefined,
      ['a', 'b'],
      42,
    ]) {
      const id = requestIdFrom(bad);
      expect(id).toMatch(UUID);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});

describe('JSON logs', () => {
  it('writes one JSON object per line with level, time, context and msg, at the configured level', () => {
    const { logger, lines } = capturedLogger('info');
    const nest = new PinoLoggerService(logger);
    nest.log('sync started', 'Sync');
    nest.debug('not shown', 'Sync');
    nest.warn('careful', 'Webhooks');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', context: 'Sync', msg: 'sync started' });
    expect(new Date(lines[0].time).toISOString()).toBe(lines[0].time);
    expect(lines[1]).toMatchObject({ level: 'warn', context: 'Webhooks', msg: 'careful' });
  });

  it("takes calls as Nest's Logger makes them: context last, an error's stack before it, objects as fields", () => {
    const { logger, lines } = capturedLogger('debug');
    const nest = new PinoLoggerService(logger);
    nest.error('worker failed', undefined, 'Queue'); // new Logger('Queue').error('worker failed')
    nest.error('worker failed', 'Error: boom\n    at x (y.js:1:1)', 'Queue');
    nest.log({ job_id: 'j1' }, 'Sync');
    nest.debug('detail', 'Sync');
    nest.log('static', 'Boot'); // Logger.log('static', 'Boot')
    nest.warn('with extras', 42, 'more', 'Sync');
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['error', 'Queue', 'worker failed'],
      ['error', 'Queue', 'worker failed'],
      ['info', 'Sync', undefined],
      ['debug', 'Sync', 'detail'],
      ['info', 'Boot', 'static'],
      ['warn', 'Sync', 'with extras'],
    ]);
    expect(lines[5].args).toEqual([42, 'more']);
    expect(lines[0].stack).toBeUndefined();
    expect(lines[1].stack).toContain('Error: boom');
    expect(lines[2].job_id).toBe('j1');
  });

  it('redacts authorization, credentials, secrets and passwords, at the top and one level down', () => {
    const { logger, lines } = capturedLogger();
    logger.info(
      {
        authorization: 'Bearer lk_live_key',
        credentials: { clientId: 'c', secret: 's3cr3t' },
        secret: 'whsec_abc',
        password: 'hunter2',
        headers: { authorization: 'Bearer lk_live_key' },
        webhook: { secret: 'whsec_abc' },
        integration: { credentials: { secret: 's3cr3t' } },
        keep: 'visible',
      },
      'object with secrets',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['lk_live_key', 's3cr3t', 'whsec_abc', 'hunter2']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      authorization: '[redacted]',
      credentials: '[redacted]',
      secret: '[redacted]',
      password: '[redacted]',
      keep: 'visible',
    });
    expect(lines[0].headers.authorization).toBe('[redacted]');
  });

  it('adds the request id to every line written inside a request context', () => {
    const { logger, lines } = capturedLogger();
    requestContext.run({ requestId: 'req-1' }, () => logger.info('inside'));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ msg: 'inside', request_id: 'req-1' });
    expect(lines[1].request_id).toBeUndefined();
  });
});

describe('request logging middleware', () => {
  function app() {
    const { logger, lines } = capturedLogger();
    const server = express();
    server.use(requestLogging(logger));
    server.get('/things', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 5)); // the id survives awaits
      logger.info('handling');
      res.json({ ok: true });
    });
    return { server, lines };
  }

  it('echoes a sane x-request-id, tags lines written while handling, and logs one line per request without the query', async () => {
    const { server, lines } = app();
    const res = await request(server)
      .get('/things?api_key=lk_secret_value')
      .set('x-request-id', 'caller-7')
      .set('authorization', 'Bearer lk_secret_value');
    expect(res.headers['x-request-id']).toBe('caller-7');
    await new Promise((r) => setImmediate(r));
    expect(lines.find((l) => l.msg === 'handling')?.request_id).toBe('caller-7');
    const line = lines.find((l) => l.msg === 'request');
    expect(line).toMatchObject({
      context: 'HTTP',
      request_id: 'caller-7',
      method: 'GET',
      path: '/things',
      status: 200,
    });
    expect(typeof line.duration_ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('lk_secret_value');
  });

  it('keeps the id of a request still in flight when another one ends, and switches the storage off when none is left', async () => {
    const { logger, lines } = capturedLogger();
    const server = express();
    server.use(requestLogging(logger));
    let afterResponse: Promise<string | undefined> | undefined;
    server.get('/slow', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 60));
      logger.info('slow handling');
      // Work that outlives its request: by the time it runs no request is in flight, so it carries no id.
      afterResponse = new Promise((resolve) => setTimeout(() => resolve(requestContext.getStore()?.requestId), 30));
      res.json({ ok: true });
    });
    server.get('/fast', (_req, res) => res.json({ ok: true }));
    const slow = request(server)
      .get('/slow')
      .set('x-request-id', 'slow-1')
      .then((r) => r);
    await new Promise((r) => setTimeout(r, 10));
    await request(server).get('/fast').set('x-request-id', 'fast-1');
    await slow;
    expect(lines.find((l) => l.msg === 'slow handling')?.request_id).toBe('slow-1');
    expect(await afterResponse).toBeUndefined();
  });

  it('generates an id when none or an unusable one is sent', async () => {
    const { server } = app();
    const none = await request(server).get('/things');
    const bad = await request(server).get('/things').set('x-request-id', 'x'.repeat(200));
    expect(none.headers['x-request-id']).toMatch(UUID);
    expect(bad.headers['x-request-id']).toMatch(UUID);
  });
});

describe('metrics', () => {
  const idle = async (): Promise<QueueSnapshot[]> => [];

  it('reports queue depth and the oldest waiting job per queue, reading the queues once per second at most', async () => {
    let reads = 0;
    const metrics = new Metrics(async () => {
      reads += 1;
      return [
        {
          queue: 'latchkey-sync-jobs',
          counts: { waiting: 3, active: 1, delayed: 0, failed: 0 },
          oldestWaitingAgeSeconds: 42,
        },
        {
          queue: 'latchkey-webhook-deliveries',
          counts: { waiting: 0, active: 0, delayed: 2, failed: 1 },
          oldestWaitingAgeSeconds: 0,
        },
      ];
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('latchkey_queue_jobs{queue="latchkey-sync-jobs",state="waiting"} 3');
    expect(text).toContain('latchkey_queue_jobs{queue="latchkey-webhook-deliveries",state="delayed"} 2');
    expect(text).toContain('latchkey_queue_oldest_waiting_age_seconds{queue="latchkey-sync-jobs"} 42');
    await metrics.registry.metrics();
    expect(reads).toBe(1); // one read shared by both gauges and the second scrape
    await new Promise((r) => setTimeout(r, 1100));
    await metrics.registry.metrics();
    expect(reads).toBe(2);
  });

  it('counts every garbage collection, also several between two turns of the event loop', async () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const metrics = new Metrics(idle);
    const majorCollections = async () =>
      Number(
        /^nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)$/m.exec(await metrics.registry.metrics())?.[1] ?? 0,
      );
    const before = await majorCollections();
    for (let i = 0; i < 5; i++) collectGarbage(); // one synchronous run: Node hands the five to observers in one batch
    await new Promise((r) => setTimeout(r, 50));
    expect((await majorCollections()) - before).toBeGreaterThanOrEqual(5);
    expect(await metrics.registry.metrics()).toContain(
      '# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    );
  });

  it('counts sync pages, runs and webhook attempts with their labels', async () => {
    const metrics = new Metrics(idle);
    metrics.syncRunStarted('FIRST');
    metrics.syncPage('BUILDIUM', 'residents', {
      seen: 100,
      quarantined: 2,
      drift: [{ kind: 'MISSING', occurrences: 2 }],
    });
    metrics.syncPage('BUILDIUM', 'residents', { seen: 50, quarantined: 0, drift: [] });
    metrics.syncRunFinished('FIRST', 'SUCCEEDED', 12.5);
    metrics.webhookAttempt('wh_1', true, 0.3);
    metrics.webhookAttempt('wh_1', false, null);
    const text = await metrics.registry.metrics();
    expect(text).toContain('latchkey_sync_runs_started_total{kind="FIRST"} 1');
    expect(text).toContain('latchkey_sync_runs_finished_total{kind="FIRST",status="SUCCEEDED"} 1');
    expect(text).toContain('latchkey_sync_run_duration_seconds_sum{kind="FIRST",status="SUCCEEDED"} 12.5');
    expect(text).toContain('latchkey_sync_records_processed_total{vendor="BUILDIUM",model="residents"} 150');
    expect(text).toContain('latchkey_sync_records_quarantined_total{vendor="BUILDIUM",model="residents"} 2');
    expect(text).toContain('latchkey_sync_schema_drift_total{vendor="BUILDIUM",model="residents",kind="MISSING"} 2');
    expect(text).toContain('latchkey_webhook_attempts_total{webhook_id="wh_1"} 2');
    expect(text).toContain('latchkey_webhook_failures_total{webhook_id="wh_1"} 1');
    expect(text).toContain('latchkey_webhook_delivery_latency_seconds_count 1');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m); // Node's default metrics
  });

  it("records each vendor HTTP attempt's outcome and duration through VendorHttp's observer", async () => {
    const replies = [{ status: 429 }, { status: 500 }, { status: 200 }, { status: 404 }];
    const server = http.createServer((_req, res) => {
      const reply = replies.shift()!;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const seen: VendorAttemptOutcome[] = [];
    const metrics = new Metrics(idle);
    const observe = metrics.vendorRequestObserver('BUILDIUM');
    const vendor = new VendorHttp({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      headers: {},
      guard: new OutboundGuard(['127.0.0.0/8']),
      throttleBackoffMs: 1,
      maxAttempts: 5,
      sleep: async () => undefined,
      observer: (outcome, seconds) => {
        seen.push(outcome);
        observe(outcome, seconds);
      },
    });
    try {
      await vendor.get('/ok');
      await expect(vendor.get('/missing')).rejects.toThrow(/HTTP 404/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    expect(seen).toEqual(['throttled', 'retry', 'ok', 'error']);
    expect(metrics.vendorRequestObserver('BUILDIUM')).toBe(observe);
    const text = await metrics.registry.metrics();
    expect(text).toContain('latchkey_vendor_request_duration_seconds_count{vendor="BUILDIUM",outcome="ok"} 1');
    expect(text).toContain('latchkey_vendor_request_errors_total{vendor="BUILDIUM",outcome="throttled"} 1');
    expect(text).toContain('latchkey_vendor_request_errors_total{vendor="BUILDIUM",outcome="retry"} 1');
    expect(text).toContain('latchkey_vendor_request_errors_total{vendor="BUILDIUM",outcome="error"} 1');
  });
});
