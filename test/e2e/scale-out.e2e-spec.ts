import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { CORE_MODELS, sandboxControl } from '../support/sync-helpers';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'scale-client', secret: 'scale-secret' };
const RESIDENTS = 1500;
/**
 * Per sandbox: renamed tenants, units with a new market rent, and new tenants (DATA_UPDATE ×2 models, DATA_NEW),
 * each of which Buildium puts on a lease (a DATA_NEW of model residents_to_leases per link it adds).
 */
const CHANGES = { tenants: 1450, units: 120, created: 60 };
const DATA_TRIGGERS = ['DATA_NEW', 'DATA_UPDATE'];

type Sandbox = Awaited<ReturnType<typeof startBuildiumSandboxServer>>;

/** The resident <-> lease links a Buildium sandbox shows: a lease's Tenants entry of a tenant it has. */
function vendorLinks(sandbox: Sandbox): Set<string> {
  const { leases, tenants } = sandbox.sandbox.data;
  const tenantIds = new Set(tenants.map((t) => t.Id));
  return new Set(
    leases.flatMap((l) =>
      (l.Tenants as { Id: number }[]).filter((t) => tenantIds.has(t.Id)).map((t) => `${l.Id} ${t.Id}`),
    ),
  );
}

/**
 * The production shape at small scale: two `api` and two `worker` processes on one PostgreSQL and one Redis,
 * three integrations syncing at once, and a worker SIGKILLed while about 5,000 events are being delivered.
 */
describe('scale-out: 2 api + 2 worker processes', () => {
  const apiKey = `lk_test_${randomBytes(16).toString('hex')}`;
  let apis: AppProcess[] = [];
  let workers: AppProcess[] = [];
  let sandboxes: Sandbox[] = [];
  let receiver: WebhookReceiver;
  let databaseUrl: string;
  let env: Record<string, string | undefined>;
  const integrationIds: string[] = [];
  const auth = { authorization: `Bearer ${apiKey}` };
  /** Requests alternate between the two api processes. */
  let turn = 0;
  const api = () => apis[turn++ % apis.length];
  const startWorker = (name: string) => startApp({ name, role: 'worker', env });
  const received = (trigger?: string) =>
    receiver.received.filter((r) => trigger === undefined || r.json?.trigger === trigger);
  const distinctIds = (requests: ReceivedRequest[]) => new Set(requests.map((r) => String(r.headers['webhook-id'])));

  beforeAll(async () => {
    sandboxes = await Promise.all(
      [21, 22, 23].map((seed) =>
        startBuildiumSandboxServer({ residents: RESIDENTS, seed, credentials: [CREDENTIALS] }),
      ),
    );
    receiver = await startWebhookReceiver();
    databaseUrl = await createTestDatabase();
    env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: await testRedisUrl(),
      SANDBOX: 'false',
      LATCHKEY_API_KEY: apiKey,
      WEBHOOK_RETRY_SCHEDULE: '1,1,1,1,1',
      WEBHOOK_WORKER_CONCURRENCY: '50',
    };
    // All four at once on an empty database, as `docker compose up` starts replicas: the migrations run
    // under an advisory lock, so exactly one process applies them and the others find the schema ready.
    [apis, workers] = await Promise.all([
      Promise.all([1, 2].map((n) => startApp({ name: `scale-api-${n}`, role: 'api', env }))),
      Promise.all([1, 2].map((n) => startWorker(`scale-worker-${n}`))),
    ]);
  });

  afterAll(async () => {
    await Promise.all([...apis, ...workers].map((p) => p?.stop()));
    await receiver?.close();
    await Promise.all(sandboxes.map((s) => s.close()));
  });

  it('syncs three integrations, survives a worker killed mid-burst, and delivers every event once per webhook-id', async () => {
    const hook = await request(api().url)
      .post('/v1/webhooks/')
      .set(auth)
      .send({
        url: receiver.url,
        triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'JOB_FAILURE', ...DATA_TRIGGERS],
        active: true,
      });
    expect(hook.status).toBe(200);
    const webhookId: string = hook.body.result.id;

    // First syncs (no data events), each integration created through the other api process than the last.
    for (const [i, sandbox] of sandboxes.entries()) {
      const created = await request(api().url)
        .post('/v1/admin/integrations/')
        .set(auth)
        .send({
          name: `Scale ${i + 1}`,
          integration_vendor: 'BUILDIUM',
          credentials: CREDENTIALS,
          base_url: sandbox.url,
          max_request_frequency: 100,
          max_job_concurrency: 2,
          active: true,
          // The scale-out guarantees are per record and per run; the ledgers would add requests, not cases.
          models_to_sync: CORE_MODELS,
        });
      expect(created.status).toBe(200);
      integrationIds.push(created.body.result.id);
    }
    await waitFor(
      async () => (distinctIds(received('FIRST_SYNC_COMPLETE')).size >= integrationIds.length ? true : undefined),
      'three FIRST_SYNC_COMPLETEs',
      120_000,
      () => pipelineState(databaseUrl),
    );
    expect(received().filter((r) => DATA_TRIGGERS.includes(r.json?.trigger))).toHaveLength(0);
    for (const id of integrationIds) {
      const count = await request(api().url).get('/v1/residents/').query({ limit: 1, integration_id: id }).set(auth);
      expect(count.status).toBe(200);
      expect(count.body.meta.total).toBe(RESIDENTS);
    }

    // Changes at each vendor, then a manual sync of each (requested through alternating api processes).
    const linksBefore = sandboxes.map(vendorLinks);
    for (const sandbox of sandboxes) {
      const control = sandboxControl(sandbox.url);
      expect((await control('POST', 'mutate', { tenants: CHANGES.tenants, units: CHANGES.units })).edited).toEqual({
        tenants: CHANGES.tenants,
        units: CHANGES.units,
      });
      for (let n = 0; n < CHANGES.created; n++)
        await control('POST', 'tenants', { FirstName: `New${n}`, LastName: 'Resident', Email: `new${n}@example.com` });
    }
    const runIds: string[] = [];
    for (const id of integrationIds) {
      const res = await request(api().url).post(`/v1/admin/integrations/${id}/manual-sync`).set(auth).send({});
      expect(res.status).toBe(200);
      runIds.push(res.body.result.sync_id);
    }
    // The links the new tenants brought, as each vendor shows them (every new tenant is on a lease).
    const newLinks = sandboxes.map((s, i) => [...vendorLinks(s)].filter((link) => !linksBefore[i].has(link)).sort());
    expect(newLinks.map((links) => links.length)).toEqual(sandboxes.map(() => CHANGES.created));
    /** Per run, the data events it must send: `trigger object` -> how many. */
    const expectedByModel = newLinks.map((links) => ({
      'DATA_UPDATE residents': CHANGES.tenants,
      'DATA_UPDATE units': CHANGES.units,
      'DATA_NEW residents': CHANGES.created,
      'DATA_NEW residents-to-leases': links.length,
    }));
    const expectedData = expectedByModel.reduce((sum, run) => sum + Object.values(run).reduce((a, b) => a + b, 0), 0);

    // SIGKILL one worker while the burst is under way: no chance to finish, hand back or unlock anything.
    const dataReceived = () => receiver.received.filter((r) => DATA_TRIGGERS.includes(r.json?.trigger));
    await waitFor(
      async () => (dataReceived().length >= 400 ? true : undefined),
      'the burst to start',
      120_000,
      () => pipelineState(databaseUrl),
    );
    await workers[0].kill();
    expect(distinctIds(dataReceived()).size).toBeLessThan(expectedData);
    workers[0] = await startWorker('scale-worker-1-restarted');

    // Every run ends, as the job log (read through both api processes) says.
    await waitFor(
      async () => {
        const logs = await Promise.all(
          runIds.map((id) =>
            request(api().url).get(`/v1/admin/logs/jobs/${id}`).query({ include_all_jobs: 'false' }).set(auth),
          ),
        );
        return logs.every((l) => ['SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE'].includes(l.body.results?.[0]?.status))
          ? true
          : undefined;
      },
      'the three manual runs to end',
      150_000,
      () => pipelineState(databaseUrl),
    );

    // What the database says was emitted for these runs: one data event per changed record or new link, one
    // SYNC_COMPLETE per run.
    const events = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query<{
            id: string;
            trigger: string;
            object: string | null;
            link: string | null;
            record_id: string | null;
            run_id: string;
            sync_id: string | null;
          }>(
            `SELECT id, trigger, payload->'data'->>'object' AS object, record_id,
              (payload->'data'->'payload'->>'x_lease_id') || ' ' || (payload->'data'->'payload'->>'x_resident_id') AS link,
              payload->'data'->>'root_job_id' AS run_id, payload->'data'->>'sync_id' AS sync_id FROM events
       WHERE payload->'data'->>'root_job_id' = ANY($1::text[]) OR payload->'data'->>'sync_id' = ANY($1::text[])`,
            [runIds],
          )
        ).rows,
    );
    const dataEvents = events.filter((e) => DATA_TRIGGERS.includes(e.trigger));
    expect(events.filter((e) => !DATA_TRIGGERS.includes(e.trigger) && e.trigger !== 'SYNC_COMPLETE')).toEqual([]); // no JOB_FAILURE, no deletions
    expect(dataEvents).toHaveLength(expectedData);
    const byModel = (runId: string) => {
      const counts: Record<string, number> = {};
      for (const e of dataEvents.filter((d) => d.run_id === runId))
        counts[`${e.trigger} ${e.object}`] = (counts[`${e.trigger} ${e.object}`] ?? 0) + 1;
      return counts;
    };
    expect(runIds.map(byModel)).toEqual(expectedByModel);
    // The link events are the vendors' new links, in vendor ids.
    expect(
      runIds.map((runId) =>
        dataEvents
          .filter((e) => e.run_id === runId && e.object === 'residents-to-leases')
          .map((e) => e.link)
          .sort(),
      ),
    ).toEqual(newLinks);
    expect(new Set(dataEvents.map((e) => `${e.run_id} ${e.trigger} ${e.record_id}`)).size).toBe(dataEvents.length);
    expect(
      events
        .filter((e) => e.trigger === 'SYNC_COMPLETE')
        .map((e) => e.sync_id)
        .sort(),
    ).toEqual([...runIds].sort());

    // Every one of them reaches the receiver (and nothing else of these runs does). A webhook-id is a delivery
    // id, and each delivery names its event.
    const expectedEventIds = new Set(events.map((e) => e.id));
    let eventOfDelivery = new Map<string, string>();
    const deliveredEventIds = async () => {
      eventOfDelivery = new Map(
        await withClient(databaseUrl, async (db) =>
          (
            await db.query<{ id: string; event_id: string }>(
              `SELECT id, event_id FROM webhook_deliveries WHERE webhook_id = $1`,
              [webhookId],
            )
          ).rows.map((r) => [r.id, r.event_id] as const),
        ),
      );
      return new Set(
        [...distinctIds(receiver.received)]
          .map((id) => eventOfDelivery.get(id)!)
          .filter((id) => expectedEventIds.has(id)),
      );
    };
    await waitFor(
      async () => ((await deliveredEventIds()).size >= expectedEventIds.size ? true : undefined),
      `all ${expectedEventIds.size} deliveries`,
      150_000,
      async () => ({
        received: receiver.received.length,
        delivered: (await deliveredEventIds()).size,
        expected: expectedEventIds.size,
        pipeline: await pipelineState(databaseUrl),
      }),
    );
    expect(await deliveredEventIds()).toEqual(expectedEventIds);

    // None twice, except at-least-once retries (the kill can cut an attempt the receiver already got): those
    // repeat the webhook-id and the very same body.
    const bodyOf = new Map<string, string>();
    for (const r of receiver.received) {
      const id = String(r.headers['webhook-id']);
      expect(eventOfDelivery.has(id)).toBe(true);
      if (bodyOf.has(id)) expect(r.body).toBe(bodyOf.get(id));
      bodyOf.set(id, r.body);
    }
    const ofRuns = [...bodyOf.values()]
      .map((b) => JSON.parse(b))
      .filter((b) => runIds.includes(b.data.root_job_id ?? b.data.sync_id));
    const dataPairs = ofRuns
      .filter((b) => DATA_TRIGGERS.includes(b.trigger))
      .map((b) => `${b.data.root_job_id} ${b.trigger} ${b.data.record_id}`);
    expect(dataPairs).toHaveLength(expectedData);
    expect(new Set(dataPairs)).toEqual(new Set(dataEvents.map((e) => `${e.run_id} ${e.trigger} ${e.record_id}`)));
    // Exactly one SYNC_COMPLETE per run, first sent only after every data event of its run had arrived.
    const completes = ofRuns.filter((b) => b.trigger === 'SYNC_COMPLETE');
    expect(completes.map((b) => b.data.sync_id).sort()).toEqual([...runIds].sort());
    for (const c of completes)
      expect(c.data).toMatchObject({
        successful_job_count: CORE_MODELS.length,
        failed_job_count: 0,
        is_sync_finished: true,
      });
    const firstArrival = new Map<string, number>();
    for (const [i, r] of receiver.received.entries())
      if (!firstArrival.has(String(r.headers['webhook-id']))) firstArrival.set(String(r.headers['webhook-id']), i);
    for (const runId of runIds) {
      const arrivals = [...firstArrival].map(([id, i]) => ({ i, body: JSON.parse(bodyOf.get(id)!) }));
      const complete = arrivals.find((a) => a.body.trigger === 'SYNC_COMPLETE' && a.body.data.sync_id === runId)!;
      const lastData = Math.max(
        ...arrivals
          .filter((a) => a.body.data.root_job_id === runId && DATA_TRIGGERS.includes(a.body.trigger))
          .map((a) => a.i),
      );
      expect(complete.i).toBeGreaterThan(lastData);
    }

    // Every run completed once, with every job succeeded, as both api processes report it.
    for (const [i, runId] of runIds.entries()) {
      for (const target of apis) {
        const log = await request(target.url).get(`/v1/admin/logs/jobs/${runId}`).set(auth);
        expect(log.status).toBe(200);
        const run = log.body.results.find((r: any) => r.id === runId);
        const jobs = log.body.results.filter((r: any) => r.id !== runId);
        expect(run).toMatchObject({
          id: runId,
          job_type: 'MANUAL_SYNC',
          status: 'SUCCESS',
          integration_id: integrationIds[i],
        });
        expect(jobs).toHaveLength(CORE_MODELS.length);
        for (const job of jobs) expect(job).toMatchObject({ status: 'SUCCESS', root_job_id: runId });
        expect(jobs.reduce((sum: number, j: any) => sum + j.events_emitted, 0)).toBe(
          dataEvents.filter((e) => e.run_id === runId).length,
        );
      }
      const manualRuns = await request(api().url)
        .get('/v1/admin/logs/jobs/')
        .query({ integration_id: integrationIds[i], job_type: 'MANUAL_SYNC' })
        .set(auth);
      expect(manualRuns.body.results.map((r: any) => r.id)).toEqual([runId]);
    }
    const pending = await withClient(
      databaseUrl,
      async (db) =>
        (
          await db.query(
            `SELECT status, count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1 GROUP BY status`,
            [webhookId],
          )
        ).rows,
    );
    expect(pending).toEqual([{ status: 'SUCCEEDED', n: eventOfDelivery.size }]);

    // Both api processes took requests that started work (each logs the manual syncs it started).
    for (const target of apis) expect(fs.readFileSync(target.logFile, 'utf8')).toMatch(/manual sync \S+ started/);

    // The caches match the vendors, read through both api processes.
    for (const [i, id] of integrationIds.entries()) {
      for (const target of apis) {
        const count = await request(target.url).get('/v1/residents/').query({ limit: 1, integration_id: id }).set(auth);
        expect(count.body.meta.total).toBe(sandboxes[i].sandbox.data.tenants.length);
      }
    }
  }, 300_000);
});
