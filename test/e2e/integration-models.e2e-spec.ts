import request from 'supertest';
import { createBuildiumSandbox } from '../../src/sandbox/buildium/buildium-sandbox';
import { serveSandbox } from '../../src/sandbox/kit/sandbox-http';
import { waitFor } from '../support/app-process';
import { pipelineState, withClient } from '../support/database';
import { assertValid } from '../support/propexo-schema';
import {
  authHeader,
  manualSync,
  recordCount,
  startFirstSync,
  startSyncHarness,
  vendorModels,
  waitForFirstSync,
  type SyncHarness,
} from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'models-client', secret: 'models-secret' };

/** Extension `models_to_sync`: an integration syncs only the models it chose (API.md §4 leaves the choice to us). */
describe('an integration syncs the models it chose', () => {
  let harness: SyncHarness;
  let server: { url: string; close: () => Promise<void> };
  let integrationId: string;
  const paths: string[] = [];
  const sandbox = createBuildiumSandbox({ residents: 20, seed: 31, credentials: [CREDENTIALS] });
  const integration = async () =>
    (await request(harness.app.url).get(`/v1/admin/integrations/${integrationId}/`).set(authHeader(harness.app))).body;
  const runModels = (runId: string) =>
    withClient(harness.databaseUrl, async (db) =>
      (await db.query(`SELECT model FROM sync_jobs WHERE run_id = $1 ORDER BY model`, [runId])).rows.map(
        (r) => r.model,
      ),
    );

  beforeAll(async () => {
    server = await serveSandbox({
      handle: (req, res, path) => (paths.push(path.split('?')[0]), sandbox.handle(req, res, path)),
    });
    harness = await startSyncHarness({
      name: 'integration-models',
      vendor: 'BUILDIUM',
      triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'DATA_NEW'],
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  it('refuses a list that is empty or names no model', async () => {
    for (const models_to_sync of [[], ['payments'], ['residents', 'residents'], 'residents']) {
      const res = await request(harness.app.url).post('/v1/admin/integrations/').set(authHeader(harness.app)).send({
        name: 'Bad',
        integration_vendor: 'BUILDIUM',
        credentials: CREDENTIALS,
        base_url: server.url,
        models_to_sync,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(Object.keys(res.body.error.details.fields)).toEqual(['models_to_sync']);
    }
  });

  it('reads only the chosen models on the first sync, and shows them as the only ones enabled', async () => {
    integrationId = await startFirstSync(harness, 'Chosen', server.url, CREDENTIALS, {
      models_to_sync: ['leases', 'residents'],
    });
    const done = await waitForFirstSync(harness, integrationId);
    expect([...done.data.models_synced].sort()).toEqual(['leases', 'residents']);
    expect(done.data).toMatchObject({ successful_job_count: 2, failed_job_count: 0 });
    // Not one ledger or task request: what a user turns off costs the vendor nothing.
    expect(paths.filter((p) => /\/transactions|\/tasks|\/workorders/.test(p))).toEqual([]);
    expect(await recordCount(harness.app, 'residents', integrationId)).toBe(sandbox.data.tenants.length);
    expect(await recordCount(harness.app, 'resident-charges', integrationId)).toBe(0);

    const body = await integration();
    assertValid('_v1_admin_integrations_{integration_id}__get_output', body);
    const shown = body.results;
    expect(shown.models_to_sync).toEqual(['residents', 'leases']); // the vendor's order
    for (const model of vendorModels('BUILDIUM'))
      expect([model, shown.models[model].enabled]).toEqual([model, ['residents', 'leases'].includes(model)]);
  });

  it('syncs every model of the vendor again once the choice is cleared, and the new ones arrive as DATA_NEW', async () => {
    const cleared = await request(harness.app.url)
      .put(`/v1/admin/integrations/${integrationId}/`)
      .set(authHeader(harness.app))
      .send({ models_to_sync: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.result.models_to_sync).toBeNull();
    expect(Object.values(cleared.body.result.models).every((m: any) => m.enabled)).toBe(true);

    const { syncId, complete, events } = await manualSync(harness, integrationId);
    expect([...complete.data.models_synced].sort()).toEqual(vendorModels('BUILDIUM'));
    expect(await runModels(syncId)).toEqual(vendorModels('BUILDIUM'));
    const charges = await recordCount(harness.app, 'resident-charges', integrationId);
    expect(charges).toBeGreaterThan(0);
    const newCharges = events.filter((e) => e.trigger === 'DATA_NEW' && e.meta.object === 'resident-charges');
    expect(newCharges).toHaveLength(charges);
    // Residents were synced before: none is new.
    expect(events.filter((e) => e.trigger === 'DATA_NEW' && e.meta.object === 'residents')).toEqual([]);
  });

  it('a manual sync without a list reads the chosen models; with one, the models it names', async () => {
    const chosen = await request(harness.app.url)
      .put(`/v1/admin/integrations/${integrationId}/`)
      .set(authHeader(harness.app))
      .send({ models_to_sync: ['residents'] });
    expect(chosen.body.result.models_to_sync).toEqual(['residents']);
    expect(await runModels((await manualSync(harness, integrationId)).syncId)).toEqual(['residents']);
    const named = await manualSync(harness, integrationId, { body: { models_to_sync: ['units'] } });
    expect(await runModels(named.syncId)).toEqual(['units']);
  });

  it('scheduled runs read the chosen models', async () => {
    const since = new Date();
    await request(harness.app.url)
      .put(`/v1/admin/integrations/${integrationId}/`)
      .set(authHeader(harness.app))
      .send({ models_to_sync: ['leases'], sync_frequency: 1, sync_cadence: 'SECOND' });
    try {
      const runId = await waitFor(
        async () =>
          withClient(
            harness.databaseUrl,
            async (db) =>
              (
                await db.query(
                  `SELECT id FROM sync_runs WHERE integration_id = $1 AND kind = 'SCHEDULED' AND started_at >= $2 LIMIT 1`,
                  [integrationId, since],
                )
              ).rows[0]?.id,
          ),
        'a scheduled run',
        60_000,
        () => pipelineState(harness.databaseUrl),
      );
      expect(await runModels(runId)).toEqual(['leases']);
    } finally {
      await request(harness.app.url)
        .put(`/v1/admin/integrations/${integrationId}/`)
        .set(authHeader(harness.app))
        .send({ sync_frequency: 12, sync_cadence: 'HOUR' });
    }
  });
});
