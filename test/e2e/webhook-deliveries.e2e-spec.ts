import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { propexoSignature } from '../../src/deliver/webhooks/webhook-signing';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient, addOtherOrganization } from '../support/database';
import { startWebhookReceiver, type ReceivedRequest } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'deliveries-client', secret: 'deliveries-secret' };
const OTHER_KEY = 'lk_other_deliveries_key_0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The delivery log and its controls on one app process, with a short retry table, on both queue backends. */
describe.each([['PostgreSQL'], ['Redis']])('webhook deliveries: log, retry, replay and test (%s queue)', (backend) => {
  let app: AppProcess;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let databaseUrl: string;
  let integrationId: string;
  const receivers: Array<Awaited<ReturnType<typeof startWebhookReceiver>>> = [];
  const auth = () => ({ authorization: `Bearer ${app.apiKey}` });
  const other = { authorization: `Bearer ${OTHER_KEY}` };

  // Shared by the tests, in order: two webhooks of the organization and the TEST delivery sent to the first.
  let hookA: { id: string; secret: string };
  let hookB: { id: string; secret: string };
  let receiverA: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let receiverB: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let testDelivery: { id: string; created_at: string };

  async function receiver(respond?: (req: ReceivedRequest, index: number) => number) {
    const r = await startWebhookReceiver(respond);
    receivers.push(r);
    return r;
  }
  async function subscribe(url: string, body: Record<string, unknown>) {
    const res = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth())
      .send({ url, active: true, ...body });
    expect(res.status).toBe(200);
    return res.body.result as { id: string; secret: string };
  }
  const deliveries = (webhookId: string, query: Record<string, string | number> = {}) =>
    request(app.url).get(`/v1/webhooks/${webhookId}/deliveries`).query(query).set(auth());
  const delivery = async (webhookId: string, id: string) => {
    const res = await request(app.url).get(`/v1/webhooks/${webhookId}/deliveries/${id}`).set(auth());
    expect(res.status).toBe(200);
    return res.body.results;
  };
  const expectError = (res: request.Response, status: number, code: string, field?: string) => {
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
    expect(res.body.error.message).toEqual(expect.any(String));
    if (field) expect(Object.keys(res.body.error.details.fields)).toEqual([field]);
  };
  /** Changes `n` residents at the vendor and syncs them; resolves with the run id once it has finished. */
  async function changeAndSync(n: number): Promise<string> {
    await fetch(`${sandbox.url}/_control/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenants: n }),
    });
    const res = await request(app.url)
      .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
      .set(auth())
      .send({ models_to_sync: ['residents'] });
    expect(res.status).toBe(200);
    const runId = res.body.result.sync_id;
    await waitFor(
      async () => {
        const rows = await withClient(databaseUrl, (db) =>
          db.query(`SELECT status FROM sync_runs WHERE id = $1`, [runId]),
        );
        return rows.rows[0]?.status === 'SUCCEEDED' ? true : undefined;
      },
      'the sync',
      60_000,
      () => pipelineState(databaseUrl),
    );
    return runId;
  }
  /** Resolves with a replay once its job has ended. */
  const replayDone = (webhookId: string, replayId: string) =>
    waitFor(
      async () => {
        const res = await request(app.url).get(`/v1/webhooks/${webhookId}/replays/${replayId}`).set(auth());
        expect(res.status).toBe(200);
        return ['SUCCEEDED', 'FAILED'].includes(res.body.results.status) ? res.body.results : undefined;
      },
      `replay ${replayId}`,
      30_000,
      () => pipelineState(databaseUrl),
    );
  /** Resolves once none of the webhook's deliveries is pending. */
  const settled = (webhookId: string) =>
    waitFor(
      async () => {
        const res = await deliveries(webhookId, { status: 'PENDING' });
        return res.body.meta?.total === 0 ? true : undefined;
      },
      'no pending deliveries',
      30_000,
      () => pipelineState(databaseUrl),
    );

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 40, seed: 11, credentials: [CREDENTIALS] });
    databaseUrl = await createTestDatabase();
    app = await startApp({
      name: `webhook-deliveries-${backend}`,
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: backend === 'Redis' ? await testRedisUrl() : undefined,
        SANDBOX: 'false',
        WEBHOOK_RETRY_SCHEDULE: '0.2,0.2',
      },
    });
    await addOtherOrganization(databaseUrl, OTHER_KEY);
    const created = await request(app.url).post('/v1/admin/integrations/').set(auth()).send({
      name: 'Deliveries',
      integration_vendor: 'BUILDIUM',
      credentials: CREDENTIALS,
      base_url: sandbox.url,
      max_request_frequency: 100,
      active: true,
    });
    expect(created.status).toBe(200);
    integrationId = created.body.result.id;
    await waitFor(
      async () =>
        (await request(app.url).get(`/v1/admin/integrations/${integrationId}/`).set(auth())).body.results
          .last_completed_sync ?? undefined,
      'the first sync',
      60_000,
      () => pipelineState(databaseUrl),
    );
  });

  afterAll(async () => {
    await app?.stop();
    await Promise.all(receivers.map((r) => r.close()));
    await sandbox?.close();
  });

  it('sends a signed TEST event to the one webhook asked, and logs it with its attempt', async () => {
    receiverA = await receiver();
    receiverB = await receiver();
    hookA = await subscribe(receiverA.url, { triggers: ['DATA_UPDATE', 'SYNC_COMPLETE'] });
    hookB = await subscribe(receiverB.url, { triggers: ['DATA_UPDATE', 'SYNC_COMPLETE'] });
    // TEST is sent on demand only: no webhook can subscribe to it.
    expectError(
      await request(app.url)
        .post('/v1/webhooks/')
        .set(auth())
        .send({ url: receiverA.url, triggers: ['TEST'] }),
      400,
      'invalid_request',
      'triggers',
    );

    // Were the event fanned out like others, a webhook holding a TEST trigger (written behind the API's back) would get it.
    await withClient(databaseUrl, (db) =>
      db.query(`INSERT INTO webhook_triggers (id, webhook_id, trigger) VALUES ('trigger_test_b', $1, 'TEST')`, [
        hookB.id,
      ]),
    );

    const sent = await request(app.url).post(`/v1/webhooks/${hookA.id}/test`).set(auth());
    expect(sent.status).toBe(202);
    testDelivery = sent.body.result;
    expect(sent.body.result).toMatchObject({
      webhook_id: hookA.id,
      trigger: 'TEST',
      event_sequence: expect.any(Number),
    });
    expect(['PENDING', 'SUCCEEDED']).toContain(sent.body.result.status);

    const received = await waitFor(async () => receiverA.received[0], 'the TEST delivery', 20_000);
    const headers = {
      'webhook-id': String(received.headers['webhook-id']),
      'webhook-timestamp': String(received.headers['webhook-timestamp']),
      'webhook-signature': String(received.headers['webhook-signature']),
    };
    expect(new Webhook(hookA.secret).verify(received.body, headers)).toEqual(received.json);
    expect(received.headers['propexo-signature']).toBe(propexoSignature(hookA.secret, received.body));
    expect(headers['webhook-id']).toBe(testDelivery.id);
    expect(received.json).toMatchObject({
      trigger: 'TEST',
      data: { event: 'TEST', webhook_id: hookA.id, message: expect.any(String) },
      meta: { object: 'webhook', integration_id: null },
    });

    // Only this webhook hears of it: one event, one delivery, nothing for the other webhook.
    await sleep(1000);
    expect(receiverA.received).toHaveLength(1);
    expect(receiverB.received).toHaveLength(0);
    const stored = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query(
            `SELECT count(d.id)::int AS deliveries FROM events e LEFT JOIN webhook_deliveries d ON d.event_id = e.id WHERE e.trigger = 'TEST' GROUP BY e.id`,
          )
        ).rows,
    );
    expect(stored).toEqual([{ deliveries: 1 }]);

    const logged = await waitFor(
      async () => {
        const d = await delivery(hookA.id, testDelivery.id);
        return d.status === 'SUCCEEDED' ? d : undefined;
      },
      'the TEST delivery to be logged',
      10_000,
    );
    expect(logged).toMatchObject({
      id: testDelivery.id,
      trigger: 'TEST',
      attempt_count: 1,
      delivered_at: expect.any(String),
      next_attempt_at: null,
    });
    expect(logged.attempts).toEqual([
      {
        attempt_number: 1,
        started_at: expect.any(String),
        status_code: 200,
        duration_ms: expect.any(Number),
        response_excerpt: 'ok',
        error: null,
        next_attempt_at: null,
        dropped_headers: [],
      },
    ]);
    expect(logged.attempts[0].duration_ms).toBeGreaterThanOrEqual(0);
    const listed = await deliveries(hookA.id);
    expect(listed.status).toBe(200);
    expect(listed.body.meta).toMatchObject({ total: 1, hasMore: false });
    expect(listed.body.results).toEqual([logged]);

    // An inactive webhook would never be sent to.
    const off = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth())
      .send({ url: receiverB.url, triggers: ['SYNC_COMPLETE'], active: false });
    expectError(await request(app.url).post(`/v1/webhooks/${off.body.result.id}/test`).set(auth()), 409, 'conflict');
  });

  it('filters the log by status, trigger and time, pages it, and rejects bad filters', async () => {
    const runId = await changeAndSync(3);
    await settled(hookA.id);
    const updates = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM events WHERE trigger = 'DATA_UPDATE' AND payload->'data'->>'root_job_id' = $1`,
            [runId],
          )
        ).rows[0].n,
    );
    expect(updates).toBe(3);
    const total = updates + 2; // the updates, SYNC_COMPLETE and TEST

    const totalOf = async (query: Record<string, string | number>) => {
      const res = await deliveries(hookA.id, query);
      expect(res.status).toBe(200);
      return res.body;
    };
    expect((await totalOf({})).meta.total).toBe(total);
    const byTrigger = await totalOf({ trigger: 'DATA_UPDATE' });
    expect(byTrigger.meta.total).toBe(updates);
    expect(new Set(byTrigger.results.map((d: any) => d.trigger))).toEqual(new Set(['DATA_UPDATE']));
    expect((await totalOf({ trigger: 'TEST' })).results.map((d: any) => d.id)).toEqual([testDelivery.id]);
    expect((await totalOf({ trigger: 'SYNC_COMPLETE' })).meta.total).toBe(1);
    expect((await totalOf({ status: 'SUCCEEDED' })).meta.total).toBe(total);
    expect((await totalOf({ status: 'FAILED' })).meta.total).toBe(0);
    expect((await totalOf({ created_at_lte: testDelivery.created_at })).results.map((d: any) => d.id)).toEqual([
      testDelivery.id,
    ]);
    const later = await totalOf({ created_at_gte: new Date(Date.parse(testDelivery.created_at) + 1).toISOString() });
    expect(later.meta.total).toBe(total - 1);
    expect(later.results.map((d: any) => d.id)).not.toContain(testDelivery.id);
    expect((await totalOf({ created_at_gte: new Date(Date.now() + 60_000).toISOString() })).meta.total).toBe(0);

    // Newest first by default; pages neither overlap nor skip.
    const all = (await totalOf({})).results;
    expect(all[all.length - 1].id).toBe(testDelivery.id);
    expect(all[0].trigger).toBe('SYNC_COMPLETE');
    expect((await totalOf({ 'order-by': 'event_sequence:asc' })).results[0].id).toBe(testDelivery.id);
    const first = await totalOf({ limit: 2 });
    expect(first.meta).toMatchObject({ offset: 0, limit: 2, hasMore: true, total });
    const rest = await totalOf({ limit: 250, offset: 2 });
    expect(rest.meta.hasMore).toBe(false);
    expect([...first.results, ...rest.results].map((d: any) => d.id)).toEqual(all.map((d: any) => d.id));

    expectError(await deliveries(hookA.id, { status: 'DONE' }), 400, 'invalid_request', 'status');
    expectError(await deliveries(hookA.id, { trigger: 'NOPE' }), 400, 'invalid_request', 'trigger');
    expectError(await deliveries(hookA.id, { created_at_gte: 'yesterday' }), 400, 'invalid_request', 'created_at_gte');
    expectError(
      await deliveries(hookA.id, { created_at_lte: '2024-13-45T00:00:00Z' }),
      400,
      'invalid_request',
      'created_at_lte',
    );
    expectError(await deliveries(hookA.id, { limit: 251 }), 400, 'invalid_request', 'limit');
    expectError(await deliveries(hookA.id, { 'order-by': 'url' }), 400, 'invalid_request', 'order-by');
    expectError(await deliveries(hookA.id, { colour: 'red' }), 400, 'invalid_request', 'colour');
  });

  it('retries a delivery on demand under the same webhook-id: a failed one once fixed, and a delivered one', async () => {
    let broken = true;
    const flaky = await receiver(() => (broken ? 500 : 200));
    const hook = await subscribe(flaky.url, { triggers: ['JOB_FAILURE'] });
    const sent = await request(app.url).post(`/v1/webhooks/${hook.id}/test`).set(auth());
    expect(sent.status).toBe(202);
    const id = sent.body.result.id;

    // Three attempts (the table has two delays), then FAILED.
    const failed = await waitFor(
      async () => {
        const d = await delivery(hook.id, id);
        return d.status === 'FAILED' ? d : undefined;
      },
      'the delivery to fail',
      20_000,
    );
    expect(failed).toMatchObject({ attempt_count: 3, delivered_at: null, next_attempt_at: null });
    expect(failed.attempts.map((a: any) => [a.attempt_number, a.status_code, a.error, a.response_excerpt])).toEqual([
      [1, 500, 'HTTP 500', 'nope'],
      [2, 500, 'HTTP 500', 'nope'],
      [3, 500, 'HTTP 500', 'nope'],
    ]);
    expect(failed.attempts.map((a: any) => a.next_attempt_at === null)).toEqual([false, false, true]);
    await sleep(500);
    expect(flaky.received).toHaveLength(3);

    broken = false;
    const retried = await request(app.url).post(`/v1/webhooks/${hook.id}/deliveries/${id}/retry`).set(auth());
    expect(retried.status).toBe(202);
    expect(retried.body.result.id).toBe(id);
    expect(['PENDING', 'SUCCEEDED']).toContain(retried.body.result.status);
    const delivered = await waitFor(
      async () => {
        const d = await delivery(hook.id, id);
        return d.status === 'SUCCEEDED' ? d : undefined;
      },
      'the retried delivery',
      20_000,
    );
    expect(delivered.attempt_count).toBe(4);
    expect(delivered.delivered_at).toEqual(expect.any(String));
    expect(delivered.attempts.map((a: any) => a.status_code)).toEqual([500, 500, 500, 200]);
    expect(flaky.received).toHaveLength(4);
    const last = flaky.received[3];
    expect(
      new Webhook(hook.secret).verify(last.body, {
        'webhook-id': String(last.headers['webhook-id']),
        'webhook-timestamp': String(last.headers['webhook-timestamp']),
        'webhook-signature': String(last.headers['webhook-signature']),
      }),
    ).toEqual(last.json);

    // A delivered one can be sent again too, still under its id.
    expect((await request(app.url).post(`/v1/webhooks/${hook.id}/deliveries/${id}/retry`).set(auth())).status).toBe(
      202,
    );
    const again = await waitFor(
      async () => {
        const d = await delivery(hook.id, id);
        return d.status === 'SUCCEEDED' && d.attempt_count === 5 ? d : undefined;
      },
      'the second retry',
      20_000,
    );
    expect(again.attempts.map((a: any) => a.attempt_number)).toEqual([1, 2, 3, 4, 5]);
    expect(flaky.received).toHaveLength(5);
    expect(new Set(flaky.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
  });

  it('replays a window: the matching events in it, including those from before the webhook existed, and none after until', async () => {
    const t0 = new Date();
    await sleep(20);
    const run1 = await changeAndSync(2); // before the webhook exists
    await sleep(20);
    let down = false;
    const replayReceiver = await receiver(() => (down ? 500 : 200));
    const hook = await subscribe(replayReceiver.url, { triggers: ['DATA_UPDATE'], model: 'residents' });
    const run2 = await changeAndSync(2);
    await waitFor(async () => (replayReceiver.received.length >= 2 ? true : undefined), 'the live updates', 20_000);
    await settled(hook.id);
    await sleep(20);
    const tMid = new Date();
    await sleep(20);
    // Run 3's update fails all three attempts: its delivery ends FAILED (its queue job is kept).
    down = true;
    const run3 = await changeAndSync(1);
    await waitFor(
      async () => (replayReceiver.received.length >= 5 ? true : undefined),
      'the third live update',
      20_000,
    );
    await settled(hook.id);
    await settled(hookA.id);
    await settled(hookB.id);
    down = false;
    const live = replayReceiver.received.length;
    expect(live).toBe(5);
    expect((await deliveries(hook.id, { status: 'FAILED' })).body.meta.total).toBe(1);
    const seenA = receiverA.received.length;
    const seenB = receiverB.received.length;

    const eventsOf = async (since: Date, until: Date) =>
      withClient(
        databaseUrl,
        async (db) =>
          (
            await db.query(
              `SELECT id, payload->'data'->>'root_job_id' AS run FROM events WHERE trigger = 'DATA_UPDATE' AND model = 'residents' AND created_at >= $1 AND created_at < $2 ORDER BY sequence`,
              [since, until],
            )
          ).rows as { id: string; run: string }[],
      );
    const window = await eventsOf(t0, tMid);
    expect(window.map((e) => e.run)).toEqual([run1, run1, run2, run2]);

    const replay = (body: unknown, as = auth()) =>
      request(app.url)
        .post(`/v1/webhooks/${hook.id}/replay`)
        .set(as)
        .send(body as object);
    expectError(await replay({}), 400, 'invalid_request', 'since');
    expectError(await replay({ since: 'last tuesday' }), 400, 'invalid_request', 'since');
    expectError(await replay({ since: t0.toISOString(), until: 'soon' }), 400, 'invalid_request', 'until');
    expectError(await replay({ since: tMid.toISOString(), until: t0.toISOString() }), 400, 'invalid_request', 'until');
    expectError(await replay({ since: new Date(Date.now() + 60_000).toISOString() }), 400, 'invalid_request', 'since');
    expectError(await replay({ since: t0.toISOString(), everything: true }), 400, 'invalid_request', 'everything');
    // Events are kept EVENT_RETENTION_DAYS (30 by default): a window reaching further back is refused, saying so.
    const tooOld = await replay({ since: new Date(Date.now() - 31 * 86_400_000).toISOString() });
    expectError(tooOld, 400, 'invalid_request', 'since');
    expect(tooOld.body.error.details.fields.since[0]).toMatch(/events are kept 30 days \(EVENT_RETENTION_DAYS\)/);
    await sleep(300);
    expect(replayReceiver.received).toHaveLength(live);
    expect((await request(app.url).get(`/v1/webhooks/${hook.id}/replays`).set(auth())).body.meta.total).toBe(0);

    // The request answers at once with the queued replay; a worker does it, and its progress shows.
    const replayed = await replay({ since: t0.toISOString(), until: tMid.toISOString() });
    expect(replayed.status).toBe(202);
    expect(replayed.body.result).toMatchObject({
      id: expect.any(String),
      webhook_id: hook.id,
      status: 'QUEUED',
      since: t0.toISOString(),
      until: tMid.toISOString(),
      replayed: 0,
      already_pending: 0,
      last_sequence: null,
      through_sequence: null,
      attempts: 0,
      error: null,
      started_at: null,
      finished_at: null,
    });
    const done = await replayDone(hook.id, replayed.body.result.id);
    const windowSequences = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query(
            `SELECT min(sequence)::int AS first, max(sequence)::int AS last FROM events WHERE created_at >= $1 AND created_at < $2`,
            [t0, tMid],
          )
        ).rows[0],
    );
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      replayed: window.length,
      already_pending: 0,
      attempts: 1,
      error: null,
      last_sequence: windowSequences.last,
      through_sequence: windowSequences.last,
      started_at: expect.any(String),
      finished_at: expect.any(String),
    });
    const listedReplays = await request(app.url).get(`/v1/webhooks/${hook.id}/replays`).set(auth());
    expect(listedReplays.body.meta.total).toBe(1);
    expect(listedReplays.body.results).toEqual([done]);
    await waitFor(
      async () => (replayReceiver.received.length >= live + window.length ? true : undefined),
      'the replayed events',
      30_000,
      () => pipelineState(databaseUrl),
    );
    await settled(hook.id);
    await sleep(500);
    const resent = replayReceiver.received.slice(live);
    expect(resent).toHaveLength(window.length);
    // Exactly the window's events, each under its delivery's id: run 2's under the ids they were first sent with.
    const deliveryEvents = await withClient(
      databaseUrl,
      async (db) =>
        new Map(
          (await db.query(`SELECT id, event_id FROM webhook_deliveries WHERE webhook_id = $1`, [hook.id])).rows.map(
            (r) => [r.id, r.event_id],
          ),
        ),
    );
    expect(resent.map((r) => deliveryEvents.get(String(r.headers['webhook-id']))).sort()).toEqual(
      window.map((e) => e.id).sort(),
    );
    expect(resent.map((r) => r.json.data.root_job_id).sort()).toEqual([run1, run1, run2, run2].sort());
    const liveIds = new Set(replayReceiver.received.slice(0, 2).map((r) => r.headers['webhook-id']));
    expect(resent.filter((r) => liveIds.has(r.headers['webhook-id'])).map((r) => r.json.data.root_job_id)).toEqual([
      run2,
      run2,
    ]);
    // The replay was for this webhook only.
    expect(receiverA.received).toHaveLength(seenA);
    expect(receiverB.received).toHaveLength(seenB);

    // Without until: up to now, so run 3's failed update only, sent again under its id.
    const tail = await replay({ since: tMid.toISOString() });
    expect(tail.status).toBe(202);
    expect(await replayDone(hook.id, tail.body.result.id)).toMatchObject({
      status: 'SUCCEEDED',
      replayed: 1,
      already_pending: 0,
    });
    await waitFor(
      async () => (replayReceiver.received.length >= live + window.length + 1 ? true : undefined),
      'the tail replay',
      20_000,
    );
    await settled(hook.id);
    await sleep(500);
    const tailSent = replayReceiver.received.slice(live + window.length);
    expect(tailSent.map((r) => r.json.data.root_job_id)).toEqual([run3]);
    expect(tailSent[0].headers['webhook-id']).toBe(replayReceiver.received[2].headers['webhook-id']);
    expect((await deliveries(hook.id, { status: 'SUCCEEDED' })).body.meta.total).toBe(window.length + 1);

    await request(app.url).put(`/v1/webhooks/${hook.id}`).set(auth()).send({ active: false });
    expectError(await replay({ since: t0.toISOString() }), 409, 'conflict');
  });

  it("answers 404 for another organization's webhooks and deliveries, and for unknown ids", async () => {
    const base = `/v1/webhooks/${hookA.id}`;
    expectError(await request(app.url).get(`${base}/deliveries`).set(other), 404, 'not_found');
    expectError(await request(app.url).get(`${base}/deliveries/${testDelivery.id}`).set(other), 404, 'not_found');
    expectError(
      await request(app.url).post(`${base}/deliveries/${testDelivery.id}/retry`).set(other),
      404,
      'not_found',
    );
    expectError(
      await request(app.url).post(`${base}/replay`).set(other).send({ since: '2020-01-01T00:00:00Z' }),
      404,
      'not_found',
    );
    const ownReplay = await request(app.url)
      .post(`${base}/replay`)
      .set(auth())
      .send({ since: new Date(Date.now() - 60_000).toISOString() });
    expect(ownReplay.status).toBe(202);
    expectError(await request(app.url).get(`${base}/replays/${ownReplay.body.result.id}`).set(other), 404, 'not_found');
    expectError(await request(app.url).get(`${base}/replays`).set(other), 404, 'not_found');
    expectError(await request(app.url).get(`${base}/replays/no-such-replay`).set(auth()), 404, 'not_found');
    // A replay is reached through its own webhook only.
    expectError(
      await request(app.url).get(`/v1/webhooks/${hookB.id}/replays/${ownReplay.body.result.id}`).set(auth()),
      404,
      'not_found',
    );
    expectError(await request(app.url).post(`${base}/test`).set(other), 404, 'not_found');
    // Its own webhook does not open another organization's deliveries either.
    const theirs = await request(app.url)
      .post('/v1/webhooks/')
      .set(other)
      .send({ url: receiverB.url, triggers: ['SYNC_COMPLETE'], active: true });
    expect(theirs.status).toBe(200);
    expectError(
      await request(app.url).get(`/v1/webhooks/${theirs.body.result.id}/deliveries/${testDelivery.id}`).set(other),
      404,
      'not_found',
    );
    expect(
      (await request(app.url).get(`/v1/webhooks/${theirs.body.result.id}/deliveries`).set(other)).body.meta.total,
    ).toBe(0);

    expectError(await request(app.url).get('/v1/webhooks/no-such-webhook/deliveries').set(auth()), 404, 'not_found');
    expectError(await request(app.url).post('/v1/webhooks/no-such-webhook/test').set(auth()), 404, 'not_found');
    expectError(await request(app.url).get(`${base}/deliveries/no-such-delivery`).set(auth()), 404, 'not_found');
    expectError(await request(app.url).post(`${base}/deliveries/no-such-delivery/retry`).set(auth()), 404, 'not_found');
    // A delivery is reached through its own webhook only.
    expectError(
      await request(app.url).get(`/v1/webhooks/${hookB.id}/deliveries/${testDelivery.id}`).set(auth()),
      404,
      'not_found',
    );
    expectError(
      await request(app.url).post(`/v1/webhooks/${hookB.id}/deliveries/${testDelivery.id}/retry`).set(auth()),
      404,
      'not_found',
    );
    const unchanged = await delivery(hookA.id, testDelivery.id);
    expect(unchanged).toMatchObject({ status: 'SUCCEEDED', attempt_count: 1 });
  });
});
