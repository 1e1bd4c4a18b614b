import fs from 'node:fs';
import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState, withClient, addOtherOrganization } from '../support/database';
import { assertValid } from '../support/propexo-schema';
import { CORE_MODELS } from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'logs-client', secret: 'logs-secret' };
const OTHER_KEY = 'lk_admin_logs_other_org_0123456789abcdef';

// Read endpoints over what syncs record; one queue backend suffices (the PostgreSQL one: no REDIS_URL).
describe('admin logs: data diffs, the event feed, job logs and job schedules', () => {
  let app: AppProcess;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let databaseUrl: string;
  let integrationId: string;
  /** The manual sync that changed residents, and the one whose units job failed. */
  let changeSyncId: string;
  let failedSyncId: string;
  let beforeChanges: string;
  const auth = () => ({ authorization: `Bearer ${app.apiKey}` });
  const other = { authorization: `Bearer ${OTHER_KEY}` };
  const get = (path: string, query: Record<string, string | number> = {}, headers: Record<string, string> = auth()) =>
    request(app.url).get(path).query(query).set(headers);
  const expectStatus = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  };
  /** 400 invalid_request naming the bad parameter. */
  const expectInvalid = async (path: string, query: Record<string, string | number>, field: string) => {
    const res = await get(path, query);
    expectStatus(res, 400, 'invalid_request');
    expect(Object.keys(res.body.error.details.fields)).toContain(field);
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/_control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
    return res.status === 204 ? null : res.json();
  };
  /** Runs a manual sync and waits until its run has ended, as its job log tells. */
  const manualSync = async (): Promise<string> => {
    const res = await request(app.url).post(`/v1/admin/integrations/${integrationId}/manual-sync`).set(auth()).send({});
    expect(res.status).toBe(200);
    const syncId: string = res.body.result.sync_id;
    await waitFor(
      async () => {
        const log = await get(`/v1/admin/logs/jobs/${syncId}`, { include_all_jobs: 'false' });
        return ['SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE'].includes(log.body.results?.[0]?.status) ? true : undefined;
      },
      `sync ${syncId} to end`,
      90_000,
      () => pipelineState(databaseUrl),
    );
    return syncId;
  };
  const residentId = async (xId: string): Promise<string> => {
    const res = await get('/v1/residents/', { integration_id: integrationId, x_id: xId, include_deleted: 'true' });
    expect(res.body.results).toHaveLength(1);
    return res.body.results[0].id;
  };

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 20, seed: 11, credentials: [CREDENTIALS] });
    databaseUrl = await createTestDatabase();
    app = await startApp({ name: 'admin-logs', env: { DATABASE_URL: databaseUrl } });
    await addOtherOrganization(databaseUrl, OTHER_KEY);
    const created = await request(app.url).post('/v1/admin/integrations/').set(auth()).send({
      name: 'Logs',
      integration_vendor: 'BUILDIUM',
      credentials: CREDENTIALS,
      base_url: sandbox.url,
      max_request_frequency: 100,
      active: true,
      // The job logs below count a run's jobs: the four models these tests were written around.
      models_to_sync: CORE_MODELS,
    });
    expect(created.status).toBe(200);
    integrationId = created.body.result.id;
    await waitFor(
      async () =>
        (await get(`/v1/admin/integrations/${integrationId}/`)).body.results?.first_sync_completed_at
          ? true
          : undefined,
      'the first sync',
      90_000,
      () => pipelineState(databaseUrl),
    );
  });

  afterAll(async () => {
    await app?.stop();
    await sandbox?.close();
  });

  describe('data diffs', () => {
    const renamed: Array<{ xId: string; before: string; after: string }> = [];
    let added: any;
    let removedXId: string;
    let diffs: any[];

    beforeAll(async () => {
      const tenants = [...sandbox.sandbox.data.tenants];
      for (const [i, t] of tenants.slice(0, 3).entries()) {
        renamed.push({ xId: String(t.Id), before: t.FirstName, after: `Renamed${i}` });
        await control('PATCH', `tenants/${t.Id}`, { FirstName: `Renamed${i}` });
      }
      added = await control('POST', 'tenants', {
        FirstName: 'Fresh',
        LastName: 'Resident',
        Email: 'fresh@example.com',
      });
      removedXId = String(tenants[10].Id);
      await control('DELETE', `tenants/${removedXId}`);
      await control('POST', 'mutate', { units: 2 }); // new market rents: diffs of a second model
      beforeChanges = new Date().toISOString();
      changeSyncId = await manualSync();
      const res = await get('/v1/admin/data-diffs/', { integration_id: integrationId, limit: 250 });
      expect(res.status).toBe(200);
      assertValid('_v1_admin_data-diffs__get_output', res.body);
      diffs = res.body.results;
      expect(res.body.meta).toMatchObject({ total: diffs.length, hasMore: false });
    });

    it('list each changed field of a later sync with its previous and new value, and new records whole', async () => {
      const residents = diffs.filter((d) => d.model === 'residents');
      const updates = residents.filter((d) => d.event_type === 'UPDATE');
      expect(updates.map((d) => d.model_record_id).sort()).toEqual(
        (await Promise.all(renamed.map((r) => residentId(r.xId)))).sort(),
      );
      for (const r of renamed) {
        const diff = updates.find((d) => d.data_diff.new.first_name === r.after);
        expect(diff?.data_diff).toEqual({ new: { first_name: r.after }, previous: { first_name: r.before } });
        expect(diff?.model_record_id).toBe(await residentId(r.xId));
      }
      const news = residents.filter((d) => d.event_type === 'NEW');
      expect(news).toHaveLength(1);
      expect(news[0].model_record_id).toBe(await residentId(String(added.Id)));
      expect(news[0].data_diff.previous).toEqual({});
      expect(news[0].data_diff.new).toMatchObject({
        id: news[0].model_record_id,
        x_id: String(added.Id),
        first_name: 'Fresh',
        email_1: 'fresh@example.com',
      });
      // A vanished record is a DATA_DELETED event, not a diff (the spec's diffs are NEW or UPDATE).
      expect(residents.map((d) => d.model_record_id)).not.toContain(await residentId(removedXId));
      expect(residents).toHaveLength(4);
      const units = diffs.filter((d) => d.model === 'units');
      expect(units).toHaveLength(2);
      for (const d of units) expect(Object.keys(d.data_diff.new)).toEqual(['rent_amount_market_in_cents']);

      const jobs = (await get(`/v1/admin/logs/jobs/${changeSyncId}`)).body.results;
      const residentsJob = jobs.find((j: any) => j.job_type === 'READ_RESIDENTS');
      for (const d of diffs) {
        expect(d).toMatchObject({ integration_id: integrationId, integration_vendor: 'BUILDIUM' });
        expect(new Date(d.created_at).getTime()).toBeGreaterThanOrEqual(new Date(beforeChanges).getTime());
      }
      for (const d of residents) expect(d.job_id).toBe(residentsJob.id);
      for (const d of units) expect(d.job_id).toBe(jobs.find((j: any) => j.job_type === 'READ_UNITS').id);
    });

    it('filter by time, vendor and integration, page in a stable order, and sort', async () => {
      const total = async (query: Record<string, string>) =>
        (await get('/v1/admin/data-diffs/', query)).body.meta.total;
      expect(await total({ before: beforeChanges })).toBe(0);
      expect(await total({ after: beforeChanges })).toBe(diffs.length);
      expect(await total({ after: new Date(Date.now() + 60_000).toISOString() })).toBe(0);
      expect(await total({ integration_vendor: 'BUILDIUM' })).toBe(diffs.length);
      expect(await total({ integration_vendor: 'YARDI' })).toBe(0);
      expect(await total({ integration_id: 'not-an-integration' })).toBe(0);

      const paged: string[] = [];
      for (let offset = 0; ; offset += 2) {
        const page = await get('/v1/admin/data-diffs/', { limit: 2, offset });
        assertValid('_v1_admin_data-diffs__get_output', page.body);
        expect(page.body.meta).toMatchObject({ offset, limit: 2, total: diffs.length });
        paged.push(...page.body.results.map((d: any) => d.id));
        if (!page.body.meta.hasMore) break;
      }
      expect(paged).toEqual(diffs.map((d) => d.id));

      const byModel = (await get('/v1/admin/data-diffs/', { 'order-by': 'model:desc', limit: 250 })).body.results.map(
        (d: any) => d.model,
      );
      expect(byModel).toEqual([...byModel].sort().reverse());
      expect(new Set(byModel)).toEqual(new Set(['residents', 'units']));
    });

    it("are never another organization's", async () => {
      const res = await get('/v1/admin/data-diffs/', { integration_id: integrationId }, other);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: expect.objectContaining({ total: 0 }), results: [] });
    });

    it('reject bad query parameters with 400, naming them', async () => {
      const path = '/v1/admin/data-diffs/';
      await expectInvalid(path, { limit: -1 }, 'limit');
      await expectInvalid(path, { limit: 251 }, 'limit');
      await expectInvalid(path, { offset: -1 }, 'offset');
      await expectInvalid(path, { integration_vendor: 'NOPE' }, 'integration_vendor');
      await expectInvalid(path, { before: 'yesterday' }, 'before');
      await expectInvalid(path, { after: '2026-13-45' }, 'after');
      await expectInvalid(path, { 'order-by': 'model_record_id:asc' }, 'order-by');
      await expectInvalid(path, { colour: 'blue' }, 'colour');
    });
  });

  describe('the event feed', () => {
    it("pages through the organization's events in commit order with the after cursor", async () => {
      const seen: any[] = [];
      let after = 0;
      for (;;) {
        const res = await get('/v1/events', { after, limit: 3 });
        expect(res.status).toBe(200);
        expect(res.body.meta).toMatchObject({ after, limit: 3 });
        expect(res.body.results.length).toBeLessThanOrEqual(3);
        for (const e of res.body.results) {
          expect(e.sequence).toBeGreaterThan(seen.at(-1)?.sequence ?? after);
          expect(e).toEqual({
            sequence: expect.any(Number),
            id: expect.any(String),
            trigger: e.payload.trigger,
            created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            integration_id: integrationId,
            model: e.model,
            record_id: e.record_id,
            payload: expect.objectContaining({ data: expect.any(Object) }),
          });
        }
        seen.push(...res.body.results);
        expect(res.body.meta.next_after).toBe(seen.at(-1)?.sequence ?? after);
        after = res.body.meta.next_after;
        if (!res.body.meta.has_more) break;
        expect(res.body.results).toHaveLength(3);
      }
      const stored = await withClient(databaseUrl, async (db) =>
        (
          await db.query(
            `SELECT "sequence"::int AS sequence FROM "events" WHERE "organization_id" <> 'org_other' ORDER BY "sequence"`,
          )
        ).rows.map((r) => r.sequence),
      );
      expect(seen.map((e) => e.sequence)).toEqual(stored);

      // Commit order: the first sync's completion, then the change sync's data events, then its SYNC_COMPLETE.
      const triggers = seen.map((e) => e.trigger);
      const complete = seen.findIndex((e) => e.trigger === 'SYNC_COMPLETE' && e.payload.data.sync_id === changeSyncId);
      expect(triggers.indexOf('FIRST_SYNC_COMPLETE')).toBe(0);
      const changeEvents = seen.filter((e) => e.payload.data.root_job_id === changeSyncId).map((e) => seen.indexOf(e));
      expect(new Set(changeEvents.map((i) => triggers[i]))).toEqual(
        new Set(['DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED']),
      );
      expect(Math.max(...changeEvents)).toBeLessThan(complete);

      const caughtUp = await get('/v1/events', { after });
      expect(caughtUp.body).toEqual({ meta: { after, limit: 100, next_after: after, has_more: false }, results: [] });
    });

    it('shows each organization only its own events', async () => {
      await withClient(databaseUrl, (db) =>
        db.query(
          `INSERT INTO "events" ("id", "organization_id", "trigger", "payload") VALUES ('evt_other', 'org_other', 'SYNC_COMPLETE', '{"trigger": "SYNC_COMPLETE", "data": {}}')`,
        ),
      );
      const theirs = await get('/v1/events', {}, other);
      expect(theirs.body.results.map((e: any) => e.id)).toEqual(['evt_other']);
      const ours = await get('/v1/events', { limit: 1000 });
      expect(ours.body.results.length).toBeGreaterThan(1);
      expect(ours.body.results.map((e: any) => e.id)).not.toContain('evt_other');
    });

    it('rejects a bad cursor or limit with 400', async () => {
      await expectInvalid('/v1/events', { after: -1 }, 'after');
      await expectInvalid('/v1/events', { after: 'abc' }, 'after');
      await expectInvalid('/v1/events', { after: '1.5' }, 'after');
      await expectInvalid('/v1/events', { limit: 0 }, 'limit');
      await expectInvalid('/v1/events', { limit: 1001 }, 'limit');
      await expectInvalid('/v1/events', { offset: 0 }, 'offset');
    });
  });

  describe('job logs', () => {
    let logs: any[];

    beforeAll(async () => {
      // A 4xx is not retried, so the units job fails at once.
      sandbox.sandbox.faults.add({ path: '/v1/rentals/units', status: 400 });
      try {
        failedSyncId = await manualSync();
      } finally {
        sandbox.sandbox.faults.clear();
      }
      const res = await get('/v1/admin/logs/jobs/', { limit: 250 });
      expect(res.status).toBe(200);
      assertValid('_v1_admin_logs_jobs__get_output', res.body);
      logs = res.body.results;
    });

    it('list every run as a root job and its model jobs beneath it, with their statuses', async () => {
      const runs = logs.filter((l) => l.parent_job_id === null);
      expect(runs.map((r) => r.job_type).sort()).toEqual(['FIRST_SYNC', 'MANUAL_SYNC', 'MANUAL_SYNC']);
      for (const run of runs) {
        // The run whose units job failed partly failed, and says which model and why.
        const partly = run.id === failedSyncId;
        expect(run).toMatchObject({
          job_id: run.id,
          root_job_id: run.id,
          status: partly ? 'PARTIAL_SUCCESS' : 'SUCCESS',
          integration_id: integrationId,
          associated_property_id: null,
        });
        expect(run.models_failed).toEqual(partly ? [{ model: 'units', error: expect.stringMatching(/400/) }] : []);
        expect(run.error).toEqual(partly ? `units: ${run.models_failed[0].error}` : null);
        expect(run.job_schedule_id).toBe(run.job_type === 'FIRST_SYNC' ? `${integrationId}:default` : null);
        const jobs = logs.filter((l) => l.parent_job_id === run.id);
        expect(jobs.map((j) => j.job_type).sort()).toEqual([
          'READ_LEASES',
          'READ_PROPERTIES',
          'READ_RESIDENTS',
          'READ_UNITS',
        ]);
        for (const job of jobs) expect(job.root_job_id).toBe(run.id);
      }
      expect(logs).toHaveLength(15);
      const failed = logs.filter((l) => l.status === 'FAILURE');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        job_type: 'READ_UNITS',
        parent_job_id: failedSyncId,
        model: 'units',
        error: expect.stringMatching(/400/),
      });
      const times = logs.map((l) => new Date(l.created_at).getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('filter by status, job type and integration', async () => {
      const filtered = async (query: Record<string, string>) =>
        (await get('/v1/admin/logs/jobs/', { limit: 250, ...query })).body.results;
      expect((await filtered({ status: 'FAILURE' })).map((l: any) => l.job_type)).toEqual(['READ_UNITS']);
      expect(await filtered({ status: 'SUCCESS' })).toHaveLength(13);
      expect((await filtered({ status: 'PARTIAL_SUCCESS' })).map((l: any) => l.id)).toEqual([failedSyncId]);
      expect(await filtered({ status: 'RUNNING' })).toHaveLength(0);
      const residents = await filtered({ job_type: 'READ_RESIDENTS' });
      expect(residents).toHaveLength(3);
      expect(residents.every((l: any) => l.job_type === 'READ_RESIDENTS')).toBe(true);
      expect((await filtered({ job_type: 'MANUAL_SYNC' })).map((l: any) => l.id).sort()).toEqual(
        [changeSyncId, failedSyncId].sort(),
      );
      expect(await filtered({ integration_id: integrationId })).toHaveLength(15);
      expect(await filtered({ integration_id: 'not-an-integration' })).toHaveLength(0);
    });

    it('answer by id: a run with the jobs it spawned (unless include_all_jobs=false), a job alone', async () => {
      const run = await get(`/v1/admin/logs/jobs/${failedSyncId}`);
      expect(run.status).toBe(200);
      assertValid('_v1_admin_logs_jobs_{id}_get_output', run.body);
      expect(run.body.results.map((l: any) => l.id).sort()).toEqual(
        [failedSyncId, ...logs.filter((l) => l.parent_job_id === failedSyncId).map((l) => l.id)].sort(),
      );
      expect(run.body.meta.total).toBe(5);

      const alone = await get(`/v1/admin/logs/jobs/${failedSyncId}`, { include_all_jobs: 'false' });
      expect(alone.body.results.map((l: any) => l.id)).toEqual([failedSyncId]);

      const job = logs.find((l) => l.status === 'FAILURE');
      const byJob = await get(`/v1/admin/logs/jobs/${job.id}`);
      assertValid('_v1_admin_logs_jobs_{id}_get_output', byJob.body);
      expect(byJob.body.results).toEqual([job]);

      const paged = await get(`/v1/admin/logs/jobs/${failedSyncId}`, {
        limit: 2,
        offset: 4,
        'order-by': 'job_type:asc',
      });
      expect(paged.body.meta).toMatchObject({ total: 5, hasMore: false });
      expect(paged.body.results.map((l: any) => l.job_type)).toEqual(['READ_UNITS']);
    });

    it("answer 404 for unknown ids and never show another organization's", async () => {
      expectStatus(await get('/v1/admin/logs/jobs/not-a-job'), 404, 'not_found');
      expectStatus(await get(`/v1/admin/logs/jobs/${failedSyncId}`, {}, other), 404, 'not_found');
      const theirs = await get('/v1/admin/logs/jobs/', {}, other);
      expect(theirs.body).toEqual({ meta: expect.objectContaining({ total: 0 }), results: [] });
    });

    it('reject bad query parameters with 400', async () => {
      await expectInvalid('/v1/admin/logs/jobs/', { status: 'DONE' }, 'status');
      await expectInvalid('/v1/admin/logs/jobs/', { limit: 251 }, 'limit');
      await expectInvalid('/v1/admin/logs/jobs/', { 'order-by': 'status:asc' }, 'order-by');
      await expectInvalid('/v1/admin/logs/jobs/', { include_all_jobs: 'true' }, 'include_all_jobs');
      await expectInvalid(`/v1/admin/logs/jobs/${failedSyncId}`, { include_all_jobs: 'maybe' }, 'include_all_jobs');
      await expectInvalid(`/v1/admin/logs/jobs/${failedSyncId}`, { status: 'SUCCESS' }, 'status');
    });
  });

  describe('job schedules', () => {
    const schedulesPath = () => `/v1/admin/integrations/${integrationId}/job-schedules/`;

    it("list the integration's one schedule and get it by id, as the spec describes", async () => {
      const list = await get(schedulesPath());
      expect(list.status).toBe(200);
      assertValid('_v1_admin_integrations_{integration_id}_job-schedules__get_output', list.body);
      const firstRun = (await get('/v1/admin/logs/jobs/', { job_type: 'FIRST_SYNC' })).body.results[0];
      const integration = (await get(`/v1/admin/integrations/${integrationId}/`)).body.results;
      expect(list.body.meta).toMatchObject({ total: 1, hasMore: false });
      expect(list.body.results).toEqual([
        {
          id: `${integrationId}:default`,
          integration_id: integrationId,
          created_at: integration.created_at,
          updated_at: integration.updated_at,
          job_type: 'SCHEDULED_SYNC',
          status: 'ACTIVE',
          last_run: firstRun.created_at,
          sync_frequency: 12,
          sync_cadence: 'HOUR',
          parameters: {},
          sync_cron: null,
          next_sync_at: integration.next_sync_at,
        },
      ]);
      expect(integration.next_sync_at).not.toBeNull();

      const one = await get(`${schedulesPath()}${integrationId}:default/`);
      expect(one.status).toBe(200);
      assertValid('_v1_admin_integrations_{integration_id}_job-schedules_{job_schedule_id}__get_output', one.body);
      expect(one.body.results).toEqual(list.body.results[0]);
      expect((await get(`${schedulesPath()}${encodeURIComponent(`${integrationId}:default`)}`)).body.results).toEqual(
        list.body.results[0],
      );

      expect((await get(schedulesPath(), { offset: 1 })).body).toEqual({
        meta: expect.objectContaining({ total: 1, hasMore: false }),
        results: [],
      });
    });

    it('follow the integration: a new schedule, and INACTIVE once it is turned off', async () => {
      const updated = await request(app.url)
        .put(`/v1/admin/integrations/${integrationId}/`)
        .set(auth())
        .send({ sync_frequency: 2, sync_cadence: 'DAY', active: false });
      expect(updated.status).toBe(200);
      const schedule = (await get(`${schedulesPath()}${integrationId}:default`)).body.results;
      expect(schedule).toMatchObject({
        status: 'INACTIVE',
        sync_frequency: 2,
        sync_cadence: 'DAY',
        updated_at: updated.body.result.updated_at,
      });
    });

    it("answer 404 for unknown schedules and integrations, and for another organization's", async () => {
      expectStatus(await get(`${schedulesPath()}${integrationId}:other`), 404, 'not_found');
      expectStatus(await get(`${schedulesPath()}not-a-schedule`), 404, 'not_found');
      expectStatus(await get('/v1/admin/integrations/not-an-integration/job-schedules/'), 404, 'not_found');
      expectStatus(await get(schedulesPath(), {}, other), 404, 'not_found');
      expectStatus(await get(`${schedulesPath()}${integrationId}:default`, {}, other), 404, 'not_found');
    });

    it('reject bad query parameters with 400', async () => {
      await expectInvalid(schedulesPath(), { limit: 251 }, 'limit');
      await expectInvalid(schedulesPath(), { 'order-by': 'status:asc' }, 'order-by');
      await expectInvalid(`${schedulesPath()}${integrationId}:default`, { colour: 'blue' }, 'colour');
    });
  });

  it('a worker deletes data diffs older than DATA_DIFF_RETENTION_DAYS and nothing else', async () => {
    const ids = await withClient(databaseUrl, async (db) =>
      (await db.query(`SELECT "id" FROM "data_diffs"`)).rows.map((r) => r.id as string).sort(),
    );
    expect(ids.length).toBeGreaterThanOrEqual(4);
    const [old1, old2, recent] = ids;
    const eventsBefore = await withClient(
      databaseUrl,
      async (db) => (await db.query(`SELECT count(*)::int AS n FROM "events"`)).rows[0].n,
    );
    await withClient(databaseUrl, async (db) => {
      await db.query(`UPDATE "data_diffs" SET "created_at" = now() - interval '3 days' WHERE "id" = ANY($1)`, [
        [old1, old2],
      ]);
      await db.query(`UPDATE "data_diffs" SET "created_at" = now() - interval '1 day' WHERE "id" = $1`, [recent]);
    });

    // The cleanup runs when a worker starts (then every ten minutes); this one keeps two days.
    const worker = await startApp({
      name: 'admin-logs-retention',
      role: 'worker',
      env: { DATABASE_URL: databaseUrl, DATA_DIFF_RETENTION_DAYS: '2' },
    });
    try {
      await waitFor(
        async () => (/deleted \d+ data diff/.test(fs.readFileSync(worker.logFile, 'utf8')) ? true : undefined),
        'the retention cleanup',
        30_000,
      );
    } finally {
      await worker.stop();
    }
    expect(fs.readFileSync(worker.logFile, 'utf8')).toMatch(/deleted 2 data diff\(s\) created before/);
    const left = await withClient(databaseUrl, async (db) =>
      (await db.query(`SELECT "id" FROM "data_diffs"`)).rows.map((r) => r.id as string).sort(),
    );
    expect(left).toEqual(ids.filter((id) => id !== old1 && id !== old2));
    expect(left).toContain(recent);
    const listed = await get('/v1/admin/data-diffs/', { limit: 250 });
    expect(listed.body.results.map((d: any) => d.id).sort()).toEqual(left);
    // The events those diffs were written with stay: webhook deliveries and the feed read them.
    expect(
      await withClient(
        databaseUrl,
        async (db) => (await db.query(`SELECT count(*)::int AS n FROM "events"`)).rows[0].n,
      ),
    ).toBe(eventsBefore);
  });
});
