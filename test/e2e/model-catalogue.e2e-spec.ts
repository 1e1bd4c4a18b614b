import request from 'supertest';
import {
  CACHE_TABLES,
  CANONICAL_MODELS,
  COMMON_FILTERS,
  EVENT_MODELS,
  LINK_MODEL,
  type CanonicalModel,
} from '../../src/catalogue/canonical-models';
import { BUILDIUM_MODELS } from '../../src/fetch/buildium/buildium.facts';
import { BUILDIUM_SANDBOX_CREDENTIALS } from '../../src/sandbox/buildium/buildium-sandbox';
import { waitFor } from '../support/app-process';
import { SAMPLE_RECORDS, seedCacheRecords, type SampleProperty } from '../support/cache-seed';
import { createTestDatabase, withClient } from '../support/database';
import { assertValid } from '../support/propexo-schema';
import { authHeader, firstSync, sandboxControl, startSyncHarness, type SyncHarness } from '../support/sync-helpers';

type Json = Record<string, any>;

const MODELS = Object.values(CANONICAL_MODELS);
/** Component names lose the spec's braces in our document (OpenAPI allows none). */
const component = (name: string) => `#/components/schemas/${name.replace(/[{}]/g, '')}`;

/**
 * Every model of the catalogue, through the running app: served and documented in /openapi.json with its
 * filters, replicated by Connect, and gone with its integration. A model added to the catalogue is checked here
 * without anyone adding it to this test. A model Buildium does not sync (today it syncs every model) is cached
 * from its sample records (test/support/cache-seed.ts), as a sync would cache them.
 */
describe('the model catalogue, served', () => {
  let harness: SyncHarness;
  let integrationId: string;
  const api = () => request(harness.app.url);
  const cacheCounts = () =>
    withClient(harness.databaseUrl, async (db) => {
      const counts: Record<string, number> = {};
      for (const table of CACHE_TABLES) {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${table}" WHERE "integration_id" = $1`,
          [integrationId],
        );
        counts[table] = rows[0].n;
      }
      return counts;
    });

  beforeAll(async () => {
    harness = await startSyncHarness({
      name: 'model-catalogue',
      vendor: 'BUILDIUM',
      triggers: ['FIRST_SYNC_COMPLETE'],
    });
    await sandboxControl(`${harness.app.url}/sandbox/buildium`)('POST', 'reset', { residents: 60 });
    integrationId = (
      await firstSync(harness, 'catalogue', `${harness.app.url}/sandbox/buildium`, BUILDIUM_SANDBOX_CREDENTIALS)
    ).id;
    const property = (await api().get('/v1/properties').query({ limit: 1 }).set(authHeader(harness.app))).body
      .results[0] as SampleProperty;
    for (const model of MODELS.filter((m) => !(BUILDIUM_MODELS as readonly string[]).includes(m.name))) {
      // The Buildium sync caches none of them: the list is empty, valid as the spec's envelope.
      const before = await api()
        .get(`/v1/${model.path}/`)
        .query({ integration_id: integrationId })
        .set(authHeader(harness.app));
      expect([model.name, before.status, before.body.results]).toEqual([model.name, 200, []]);
      assertValid(model.docs.listOutput, before.body);
      const samples = SAMPLE_RECORDS[model.name];
      if (!samples)
        throw new Error(`${model.name}: Buildium does not sync it, so test/support/cache-seed.ts needs samples`);
      await seedCacheRecords(harness.databaseUrl, integrationId, model.name, samples(integrationId, property));
    }
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('documents each model in /openapi.json: its list with every filter (and what each requires) and its get', async () => {
    const document = (await api().get('/openapi.json')).body as Json;
    const documented = (model: CanonicalModel) => {
      const list = document.paths[`/v1/${model.path}`]?.get as Json | undefined;
      const get = document.paths[`/v1/${model.path}/{id}`]?.get as Json | undefined;
      const parameters = new Map<string, Json>(
        ((list?.parameters ?? []) as Json[]).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]),
      );
      return {
        model: model.name,
        list: Boolean(list),
        get: Boolean(get),
        listResponse: JSON.stringify(list?.responses?.['200'] ?? null).includes(component(model.docs.listOutput)),
        getResponse: JSON.stringify(get?.responses?.['200'] ?? null).includes(component(model.docs.getOutput)),
        filters: [...COMMON_FILTERS, ...model.filters].map((f) => [
          f.param,
          parameters.has(f.param),
          parameters.get(f.param)?.['x-latchkey-requires'] ?? null,
        ]),
      };
    };
    for (const model of MODELS) {
      expect(documented(model)).toEqual({
        model: model.name,
        list: true,
        get: true,
        listResponse: true,
        getResponse: true,
        filters: [...COMMON_FILTERS, ...model.filters].map((f) => [f.param, true, f.requires ?? null]),
      });
    }
  });

  it("serves each model's list and get with the spec's envelopes, every record of the integration; an unknown id is 404", async () => {
    const cached = await cacheCounts();
    for (const model of MODELS) {
      const list = await api()
        .get(`/v1/${model.path}/`)
        .query({ integration_id: integrationId, limit: 250 })
        .set(authHeader(harness.app));
      expect([model.name, list.status, list.body.meta?.total]).toEqual([model.name, 200, cached[model.table]]);
      expect([model.name, list.body.results.length > 0]).toEqual([model.name, true]);
      assertValid(model.docs.listOutput, list.body);
      const { id } = list.body.results[0] as Json;
      const one = await api().get(`/v1/${model.path}/${id}`).set(authHeader(harness.app));
      expect([model.name, one.status, one.body.results?.id]).toEqual([model.name, 200, id]);
      assertValid(model.docs.getOutput, one.body);
      const unknown = await api().get(`/v1/${model.path}/no-such-record`).set(authHeader(harness.app));
      expect([model.name, unknown.status, unknown.body.error?.code]).toEqual([model.name, 404, 'not_found']);
    }
  });

  it("takes every model, and the links, as a webhook's model", async () => {
    for (const model of EVENT_MODELS) {
      const created = await api()
        .post('/v1/webhooks')
        .set(authHeader(harness.app))
        .send({ url: 'http://127.0.0.1:9/hook', triggers: ['DATA_NEW'], model, active: false });
      expect([model, created.status, created.body.result?.triggers?.[0]?.model]).toEqual([model, 200, model]);
    }
    const refused = await api()
      .post('/v1/webhooks')
      .set(authHeader(harness.app))
      .send({ url: 'http://127.0.0.1:9/hook', triggers: ['DATA_NEW'], model: 'service-requests' });
    expect(refused.status).toBe(400);
  });

  it('refuses a filter without the one it requires, for every model that declares one', async () => {
    for (const model of MODELS) {
      for (const filter of [...COMMON_FILTERS, ...model.filters].filter((f) => f.requires)) {
        const res = await api()
          .get(`/v1/${model.path}`)
          .query({ [filter.param]: filter.value === 'flag' ? 'true' : '1' })
          .set(authHeader(harness.app));
        expect([model.name, filter.param, res.status, res.body.error?.details?.fields?.[filter.param]]).toEqual([
          model.name,
          filter.param,
          400,
          [`${filter.param} requires ${filter.requires}`],
        ]);
      }
    }
  });

  it('replicates each model, and the links, through Connect: every cache row reaches the destination', async () => {
    const destination = await api()
      .post('/v1/connect/destinations')
      .set(authHeader(harness.app))
      .send({ name: 'warehouse', type: 'postgres', connection_url: await createTestDatabase() });
    expect(destination.status).toBe(201);
    const connection = await api()
      .post('/v1/connect/connections')
      .set(authHeader(harness.app))
      .send({
        name: 'every model',
        integration_id: integrationId,
        destination_id: destination.body.result.id,
        schedule: { type: 'manual' },
        namespace: 'warehouse',
        streams: [...MODELS.map((m) => m.name), LINK_MODEL.name].map((name) => ({
          name,
          sync_mode: 'full_refresh_overwrite',
        })),
      });
    expect(connection.status).toBe(201);
    const connectionId: string = connection.body.result.id;
    const started = await api().post(`/v1/connect/connections/${connectionId}/sync`).set(authHeader(harness.app));
    expect(started.status).toBe(202);
    const runPath = `/v1/connect/connections/${connectionId}/runs/${started.body.result.run_id}`;
    const run = await waitFor(
      async () => {
        const body = (await api().get(runPath).set(authHeader(harness.app))).body.results as Json;
        return ['SUCCEEDED', 'FAILED'].includes(body.status) ? body : undefined;
      },
      'the Connect run',
      120_000,
    );
    expect({ status: run.status, error: run.error }).toEqual({ status: 'SUCCEEDED', error: null });

    const cached = await cacheCounts();
    // Links that stopped showing are left out of the stream (none has, in a first sync).
    const replicated = Object.fromEntries(
      (run.streams as Json[]).map((s) => [
        s.name === LINK_MODEL.name ? LINK_MODEL.table : CANONICAL_MODELS[s.name as keyof typeof CANONICAL_MODELS].table,
        s.records,
      ]),
    );
    expect(replicated).toEqual(cached);
    for (const table of CACHE_TABLES) expect([table, cached[table] > 0]).toEqual([table, true]);
  });

  it("deletes every model's cached rows, and the links, with the integration", async () => {
    const before = await cacheCounts();
    for (const table of CACHE_TABLES) expect([table, before[table] > 0]).toEqual([table, true]);
    const deleted = await api().delete(`/v1/admin/integrations/${integrationId}/`).set(authHeader(harness.app));
    expect(deleted.status).toBe(200);
    expect(await cacheCounts()).toEqual(Object.fromEntries(CACHE_TABLES.map((table) => [table, 0])));
  });
});
