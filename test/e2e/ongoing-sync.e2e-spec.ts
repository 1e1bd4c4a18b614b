import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient } from '../support/database';
import { assertValid } from '../support/propexo-schema';
import { startWebhookReceiver, type ReceivedRequest } from '../support/webhook-receiver';
import { CORE_MODELS } from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'ongoing-client', secret: 'ongoing-secret' };

describe.each([['PostgreSQL'], ['Redis']])(
  'syncs after the first one report exactly what changed (%s queue)',
  (backend) => {
    let app: AppProcess;
    let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let databaseUrl: string;
    let integrationId: string;
    const auth = () => ({ authorization: `Bearer ${app.apiKey}` });
    /** The sandbox's control API, over HTTP as a user would drive it. */
    const control = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sandbox.url}/_control/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
      return res.status === 204 ? null : res.json();
    };
    const since = (index: number) => receiver.received.slice(index).map((r) => r.json);
    /** Runs a manual sync and returns every delivery up to and including its SYNC_COMPLETE. */
    const manualSync = async (): Promise<any[]> => {
      const from = receiver.received.length;
      const res = await request(app.url)
        .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
        .set(auth())
        .send({});
      expect(res.status).toBe(200);
      expect(res.body.result).toMatchObject({ success: true });
      const syncId = res.body.result.sync_id;
      await waitFor(
        async () => since(from).find((e) => e.trigger === 'SYNC_COMPLETE' && e.data.sync_id === syncId),
        'SYNC_COMPLETE',
        120_000,
        () => pipelineState(databaseUrl),
      );
      await new Promise((r) => setTimeout(r, 1000)); // anything arriving late would be out of order
      // What this run sent (a scheduled run may have been queued ahead of it).
      return since(from).filter((e) => e.data.root_job_id === syncId || e.data.sync_id === syncId);
    };

    beforeAll(async () => {
      sandbox = await startBuildiumSandboxServer({ residents: 300, seed: 5, credentials: [CREDENTIALS] });
      receiver = await startWebhookReceiver();
      app = await startApp({
        name: `ongoing-${backend}`,
        env: {
          DATABASE_URL: (databaseUrl = await createTestDatabase()),
          REDIS_URL: backend === 'Redis' ? await testRedisUrl() : undefined,
          SYNC_RETRY_BASE_MS: '200',
          SYNC_CHECKPOINT_OVERLAP_SECONDS: '0',
        },
      });
      const webhook = await request(app.url)
        .post('/v1/webhooks/')
        .set(auth())
        .send({
          url: receiver.url,
          model: 'residents',
          triggers: ['DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED', 'SYNC_COMPLETE', 'FIRST_SYNC_COMPLETE', 'JOB_FAILURE'],
          active: true,
        });
      expect(webhook.status).toBe(200);
      const created = await request(app.url).post('/v1/admin/integrations/').set(auth()).send({
        name: 'Ongoing',
        integration_vendor: 'BUILDIUM',
        credentials: CREDENTIALS,
        base_url: sandbox.url,
        max_request_frequency: 100,
        active: true,
        // What a later sync reports is the same for every model: these four show it without the ledgers' requests.
        models_to_sync: CORE_MODELS,
      });
      integrationId = created.body.result.id;
      await waitFor(
        async () => receiver.received.find((r: ReceivedRequest) => r.json?.trigger === 'FIRST_SYNC_COMPLETE'),
        'FIRST_SYNC_COMPLETE',
        120_000,
        () => pipelineState(databaseUrl),
      );
    });

    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
      await sandbox?.close();
    });

    it('sends one DATA_NEW, DATA_UPDATE or DATA_DELETED per changed resident, then SYNC_COMPLETE', async () => {
      const tenants = [...sandbox.sandbox.data.tenants];
      const renamed = tenants.slice(0, 50);
      const firstNames = new Map(
        renamed.map((t, i) => [String(t.Id), { before: t.FirstName as string, after: `Renamed${i}` }]),
      );
      const removed = tenants.slice(100, 105);
      for (const [i, t] of renamed.entries()) await control('PATCH', `tenants/${t.Id}`, { FirstName: `Renamed${i}` });
      const added: any[] = [];
      for (let i = 0; i < 10; i++)
        added.push(
          await control('POST', 'tenants', {
            FirstName: `New${i}`,
            LastName: 'Resident',
            Email: `new${i}@example.com`,
          }),
        );
      for (const t of removed) await control('DELETE', `tenants/${t.Id}`);

      const events = await manualSync();
      const data = events.filter((e) => e.trigger.startsWith('DATA_'));
      expect(events[events.length - 1].trigger).toBe('SYNC_COMPLETE');
      expect(events.filter((e) => e.trigger === 'SYNC_COMPLETE')).toHaveLength(1);
      expect(data).toHaveLength(65);

      const news = data.filter((e) => e.trigger === 'DATA_NEW');
      expect(news.map((e) => e.data.payload.x_id).sort()).toEqual(added.map((t) => String(t.Id)).sort());
      for (const e of news) {
        expect(e.data).toMatchObject({
          event: 'DATA_NEW',
          object: 'residents',
          integration_id: integrationId,
          vendor: 'BUILDIUM',
          job_type: 'READ_RESIDENTS',
        });
        expect(e.data.record_id).toBe(e.data.payload.id);
        expect(e.data.payload.leases_meta_data).toBeUndefined();
      }

      const updates = data.filter((e) => e.trigger === 'DATA_UPDATE');
      expect(updates).toHaveLength(50);
      expect(new Set(updates.map((e) => e.data.payload.x_id))).toEqual(new Set(firstNames.keys()));
      for (const e of updates) {
        const name = firstNames.get(e.data.payload.x_id)!;
        expect(e.data.diff).toEqual({ new: { first_name: name.after }, previous: { first_name: name.before } });
        expect(e.data.payload.first_name).toBe(name.after);
      }

      const deleted = data.filter((e) => e.trigger === 'DATA_DELETED');
      expect(deleted.map((e) => e.data.payload.x_id).sort()).toEqual(removed.map((t) => String(t.Id)).sort());
      for (const e of deleted) expect(e.data.payload.deleted_at).not.toBeNull();

      const complete = events[events.length - 1].data;
      expect(complete).toMatchObject({
        event: 'SYNC_COMPLETE',
        successful_job_count: 4,
        failed_job_count: 0,
        is_sync_finished: true,
        integration_id: integrationId,
      });
      expect([...complete.models_synced].sort()).toEqual(['leases', 'properties', 'residents', 'units']);

      // The cache agrees: deleted residents are hidden unless asked for.
      const live = await request(app.url).get('/v1/residents/').query({ limit: 1 }).set(auth());
      expect(live.body.meta.total).toBe(300 + 10 - 5);
      const all = await request(app.url)
        .get('/v1/residents/')
        .query({ limit: 250, include_deleted: 'true', integration_id: integrationId, x_id: String(removed[0].Id) })
        .set(auth());
      expect(all.body.results).toHaveLength(1);
      expect(all.body.results[0].deleted_at).not.toBeNull();
      assertValid('_v1_residents__get_output', all.body);
    });

    it('an unchanged sync sends only SYNC_COMPLETE', async () => {
      const events = await manualSync();
      expect(events.map((e) => e.trigger)).toEqual(['SYNC_COMPLETE']);
    });

    it('a run requested while one is running waits for it, and none is skipped', async () => {
      const from = receiver.received.length;
      const first = await request(app.url)
        .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
        .set(auth())
        .send({});
      const second = await request(app.url)
        .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
        .set(auth())
        .send({ models_to_sync: ['residents'] });
      expect(second.body.result.sync_id).not.toBe(first.body.result.sync_id);
      await waitFor(
        async () => (since(from).filter((e) => e.trigger === 'SYNC_COMPLETE').length === 2 ? true : undefined),
        'two SYNC_COMPLETEs',
        120_000,
        () => pipelineState(databaseUrl),
      );
      const runs = await withRuns();
      const [a, b] = [
        runs.find((r) => r.id === first.body.result.sync_id)!,
        runs.find((r) => r.id === second.body.result.sync_id)!,
      ];
      expect(new Date(b.started_at).getTime()).toBeGreaterThanOrEqual(new Date(a.finished_at).getTime());
    });

    it('runs on its schedule, incrementally', async () => {
      const tenant = sandbox.sandbox.data.tenants[0];
      const before = tenant.LastName;
      await control('PATCH', `tenants/${tenant.Id}`, { LastName: 'Scheduled' });
      const from = receiver.received.length;
      const updated = await request(app.url)
        .put(`/v1/admin/integrations/${integrationId}/`)
        .set(auth())
        .send({ sync_frequency: 1, sync_cadence: 'SECOND' });
      expect(updated.status).toBe(200);
      const update = await waitFor(
        async () => since(from).find((e) => e.trigger === 'DATA_UPDATE' && e.data.payload.x_id === String(tenant.Id)),
        'a scheduled DATA_UPDATE',
        60_000,
        () => pipelineState(databaseUrl),
      );
      expect(update.data.diff).toEqual({ new: { last_name: 'Scheduled' }, previous: { last_name: before } });
      await request(app.url)
        .put(`/v1/admin/integrations/${integrationId}/`)
        .set(auth())
        .send({ sync_frequency: 12, sync_cadence: 'HOUR' });
      // Incremental: the scheduled run asked the vendor only for what changed since its checkpoint.
      const scheduled = (await withRuns()).filter((r) => r.kind === 'SCHEDULED');
      expect(scheduled.length).toBeGreaterThan(0);
      expect(scheduled.every((r) => r.mode === 'INCREMENTAL')).toBe(true);
      expect(Math.max(...scheduled.map((r) => r.residents_seen))).toBeLessThan(10);
    });

    it('retries a failing job, then reports JOB_FAILURE and still finishes the run; a hung vendor blocks no one else', async () => {
      // Another customer's vendor that never answers, syncing at the same time.
      const stuck = await startBuildiumSandboxServer({ residents: 20, seed: 9, credentials: [CREDENTIALS] });
      stuck.sandbox.faults.add({ hang: true });
      const other = await request(app.url).post('/v1/admin/integrations/').set(auth()).send({
        name: 'Hung',
        integration_vendor: 'BUILDIUM',
        credentials: CREDENTIALS,
        base_url: stuck.url,
        max_request_frequency: 100,
        active: true,
      });
      expect(other.status).toBe(200);

      sandbox.sandbox.faults.add({ path: '/v1/rentals/units', status: 500 });
      try {
        const events = await manualSync();
        const failures = events.filter((e) => e.trigger === 'JOB_FAILURE');
        expect(failures).toHaveLength(1);
        expect(failures[0].data).toMatchObject({ job_type: 'READ_UNITS', integration_id: integrationId });
        expect(failures[0].data.error).toMatch(/500/);
        const complete = events[events.length - 1].data;
        expect(complete).toMatchObject({
          event: 'SYNC_COMPLETE',
          successful_job_count: 3,
          failed_job_count: 1,
          is_sync_finished: true,
        });
        expect([...complete.models_synced].sort()).toEqual(['leases', 'properties', 'residents']);
        expect(complete.models_failed).toEqual([{ model: 'units', error: failures[0].data.error }]);
        // A vendor fault is no refusal: it says nothing of the credentials' access to units.
        const access = await request(app.url).get(`/v1/admin/integrations/${integrationId}/data-access`).set(auth());
        expect(access.body.result.models.units.read.status).not.toBe('FAILED');
        const jobs = await withClient(
          databaseUrl,
          async (db) =>
            (
              await db.query(
                `SELECT j.status, j.attempts FROM sync_jobs j JOIN sync_runs r ON r.id = j.run_id WHERE j.model = 'units' AND r.integration_id = $1 ORDER BY r.started_at DESC LIMIT 1`,
                [integrationId],
              )
            ).rows,
        );
        expect(jobs[0]).toEqual({ status: 'FAILED', attempts: 3 });
        // The hung integration's first sync is still going: it held one worker slot, not all of them.
        const hung = await request(app.url).get(`/v1/admin/integrations/${other.body.result.id}/`).set(auth());
        expect(hung.body.results.is_running_sync).toBe(true);
      } finally {
        sandbox.sandbox.faults.clear();
        await stuck.close();
      }
    });

    it('refuses to delete more than the guard allows and says so with JOB_FAILURE', async () => {
      const doomed = sandbox.sandbox.data.tenants.slice(0, Math.ceil(sandbox.sandbox.data.tenants.length * 0.3));
      for (const t of doomed) await control('DELETE', `tenants/${t.Id}`);
      const events = await manualSync();
      expect(events.filter((e) => e.trigger === 'DATA_DELETED')).toHaveLength(0);
      const failure = events.find((e) => e.trigger === 'JOB_FAILURE');
      expect(failure?.data).toMatchObject({ job_type: 'READ_RESIDENTS', integration_id: integrationId });
      expect(failure.data.error).toMatch(/deletion guard/);
      expect(events[events.length - 1].data).toMatchObject({
        successful_job_count: 3,
        failed_job_count: 1,
        is_sync_finished: true,
      });
      const live = await request(app.url).get('/v1/residents/').query({ limit: 1 }).set(auth());
      expect(live.body.meta.total).toBe(305);
    });

    async function withRuns(): Promise<any[]> {
      return withClient(
        databaseUrl,
        async (db) =>
          (
            await db.query(
              `SELECT r.id, r.kind, r.mode, r.status, r.started_at, r.finished_at,
              coalesce((SELECT j.records_seen FROM sync_jobs j WHERE j.run_id = r.id AND j.model = 'residents'), 0) AS residents_seen
       FROM sync_runs r ORDER BY r.started_at`,
            )
          ).rows,
      );
    }
  },
);
