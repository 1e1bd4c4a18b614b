import request from 'supertest';
import { startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { startPropertywareRestSandboxServer } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { withClient } from '../support/database';
import { assertValidResponse } from '../support/propexo-schema';
import {
  authHeader,
  eventsOf,
  firstSync,
  manualSync,
  readAll,
  sandboxControl,
  settledWrite,
  startSyncHarness,
  SYNC_TRIGGERS,
  type SyncHarness,
} from '../support/sync-helpers';

const APPFOLIO = { clientId: 'rb-appfolio', clientSecret: 'rb-appfolio-secret', developerId: 'rb-developer' };
const PROPERTYWARE = { clientId: 'rb-pw-client', clientSecret: 'rb-pw-secret', systemId: '5150' };
/** The models these integrations sync: what a work order's create names, and the work orders themselves. */
const MODELS = ['properties', 'units', 'service_requests'];

/** A vendor whose writer read the record back inside its write before: a failure there made the write FAILURE. */
interface Case {
  vendor: 'APPFOLIO' | 'PROPERTYWARE_REST';
  /** The sandbox's count key of the create (`GET /_control/writes`). */
  create: string;
  url: () => string;
  integrationId: () => string;
  /** The vendor's work orders now. */
  workOrders: () => Array<Record<string, any>>;
  /** The sandbox fault that fails the read-back's GET of a work order made for `unitXId`. */
  readBackFault: (unitXId: string) => Record<string, unknown>;
}

/**
 * A write reaches a PMS at most once: when the vendor accepted a create and only its read-back failed (a network
 * error, a 5xx, a 404 of a vendor not yet consistent), the write ends SUCCESS with a `read-back:` error, so that
 * retry-write (refused for a SUCCESS) can never send it twice; the next sync brings the record.
 */
describe('a write whose read-back fails after the vendor accepted it', () => {
  let harness: SyncHarness;
  let appfolio: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  let propertyware: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  let appfolioId: string;
  let propertywareId: string;

  beforeAll(async () => {
    appfolio = await startAppfolioSandboxServer({
      residents: 12,
      seed: 31,
      credentials: [APPFOLIO],
      requestBudget: { requests: 1000, perSeconds: 1 },
    });
    propertyware = await startPropertywareRestSandboxServer({ residents: 12, seed: 31, credentials: [PROPERTYWARE] });
    harness = await startSyncHarness({
      name: 'write-read-back',
      vendor: 'APPFOLIO',
      // Two attempts per read: a 5xx read-back fails after one retry rather than six.
      env: { VENDOR_REQUEST_ATTEMPTS: '2', SYNC_RETRY_BASE_MS: '200' },
      triggers: [...SYNC_TRIGGERS, 'WRITE_OPERATION_FAILURE'],
    });
    [{ id: appfolioId }, { id: propertywareId }] = await Promise.all([
      firstSync(harness, 'AppFolio read-back', appfolio.url, APPFOLIO, { models_to_sync: MODELS }),
      firstSync({ ...harness, vendor: 'PROPERTYWARE_REST' }, 'Propertyware read-back', propertyware.url, PROPERTYWARE, {
        models_to_sync: MODELS,
      }),
    ]);
  });

  afterAll(async () => {
    await harness?.stop();
    await appfolio?.close();
    await propertyware?.close();
  });

  const cases: Case[] = [
    {
      vendor: 'APPFOLIO',
      create: 'POST /api/v0/work_orders',
      url: () => appfolio.url,
      integrationId: () => appfolioId,
      workOrders: () => appfolio.sandbox.data.work_orders,
      // The new work order's notes (its read-back completes it with the newest note): a 500, past every retry.
      readBackFault: () => ({ path: '/api/v0/work_orders/*', method: 'GET', status: 500, times: 10 }),
    },
    {
      vendor: 'PROPERTYWARE_REST',
      create: 'POST /workorders',
      url: () => propertyware.url,
      integrationId: () => propertywareId,
      workOrders: () => propertyware.sandbox.data.workorders,
      // The work order's unit (its read-back adds the unit's name): a 404, as from a vendor not yet consistent.
      readBackFault: (unitXId) => ({ path: `/units/${unitXId}`, method: 'GET', status: 404, times: 1 }),
    },
  ];

  it.each(cases)(
    '$vendor: the create ends SUCCESS with a read-back error, sent once; retry-write is refused; the next sync brings it once',
    async (c) => {
      const control = sandboxControl(c.url());
      const creates = async () => ((await control('GET', 'writes'))[c.create]?.received ?? 0) as number;
      const integrationId = c.integrationId();
      const [unit] = await readAll(harness.app, 'units', integrationId);
      const before = { creates: await creates(), orders: c.workOrders().length };
      await control('POST', 'faults', c.readBackFault(unit.x_id));

      const res = await request(harness.app.url).post('/v1/service-requests/').set(authHeader(harness.app)).send({
        integration_id: integrationId,
        property_id: unit.property_id,
        unit_id: unit.id,
        service_description: 'Porch light out',
      });
      expect(res.status).toBe(200);
      assertValidResponse('POST', '/v1/service-requests/', 200, res.body);
      const rootJobId = res.body.job_id as string;
      const status = await settledWrite(harness, rootJobId);
      await control('DELETE', 'faults');

      expect(status).toEqual({
        write_status: 'SUCCESS',
        errors: [expect.stringMatching(/^read-back: .*(500|404)/)],
        created_record_id: null,
      });
      expect(await creates()).toBe(before.creates + 1);
      expect(c.workOrders()).toHaveLength(before.orders + 1);
      const made = c.workOrders()[c.workOrders().length - 1];
      const madeXId = String(made.Id ?? made.id);
      // The vendor's id stays on the job: the record it made is known, though not read back.
      const [job] = await withClient(
        harness.databaseUrl,
        async (db) =>
          (await db.query('SELECT "x_id", "status" FROM "write_jobs" WHERE "root_job_id" = $1', [rootJobId])).rows,
      );
      expect(job).toEqual({ x_id: madeXId, status: 'SUCCESS' });
      // A success, so no failure event.
      expect(
        eventsOf(harness, integrationId, 'WRITE_OPERATION_FAILURE').filter((e) => e.data.root_job_id === rootJobId),
      ).toEqual([]);

      // retry-write of a SUCCESS is refused: the create is not sent again.
      const retry = await request(harness.app.url)
        .post(`/v1/admin/retry-write/${rootJobId}`)
        .set(authHeader(harness.app));
      expect({ status: retry.status, code: retry.body.error?.code }).toEqual({ status: 409, code: 'conflict' });
      expect(await creates()).toBe(before.creates + 1);
      expect(c.workOrders()).toHaveLength(before.orders + 1);

      // The next sync brings the record: one DATA_NEW, and nothing else new.
      const { events } = await manualSync(harness, integrationId);
      const news = events.filter((e) => e.trigger === 'DATA_NEW');
      expect(news).toHaveLength(1);
      const cached = await request(harness.app.url)
        .get('/v1/service-requests/')
        .query({ integration_id: integrationId, x_id: madeXId })
        .set(authHeader(harness.app));
      expect(cached.body.results).toHaveLength(1);
      expect(cached.body.results[0]).toMatchObject({ unit_id: unit.id, property_id: unit.property_id });
      expect(news[0].data.record_id).toBe(cached.body.results[0].id);
    },
  );
});
