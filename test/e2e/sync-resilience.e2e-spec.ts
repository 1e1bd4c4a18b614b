import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState } from '../support/database';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { vendorModels } from '../support/sync-helpers';

const CREDENTIALS = { clientId: 'resilience-client', secret: 'resilience-secret' };

/** A first sync through throttling, transient server errors and malformed records. */
describe('first sync against a misbehaving vendor', () => {
  let app: AppProcess;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let databaseUrl: string;

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 1200, seed: 11, credentials: [CREDENTIALS] });
    receiver = await startWebhookReceiver();
    app = await startApp({ name: 'resilience', env: { DATABASE_URL: (databaseUrl = await createTestDatabase()) } });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await sandbox?.close();
  });

  it('backs off, retries, quarantines the bad records, keeps every good one and reports the rejects', async () => {
    const auth = { authorization: `Bearer ${app.apiKey}` };
    const { faults, data } = sandbox.sandbox;
    faults.add({ path: '/v1/rentals/units', status: 429, times: 2 });
    faults.add({ path: '/v1/leases', status: 503, times: 1 });
    // The first page of tenants carries two bad records: a non-date birthday, and an id that is no id.
    faults.add({
      path: '/v1/leases/tenants',
      malformed: { index: 5, field: 'DateOfBirth', value: 'last spring' },
      times: 1,
    });
    faults.add({ path: '/v1/leases/tenants', malformed: { index: 7, field: 'Id', value: { nested: true } }, times: 1 });
    const badBirthday = data.tenants[5];

    await request(app.url)
      .post('/v1/webhooks/')
      .set(auth)
      .send({ url: receiver.url, triggers: ['FIRST_SYNC_COMPLETE', 'JOB_FAILURE'], active: true });
    const created = await request(app.url).post('/v1/admin/integrations/').set(auth).send({
      name: 'Flaky',
      integration_vendor: 'BUILDIUM',
      credentials: CREDENTIALS,
      base_url: sandbox.url,
      max_request_frequency: 100,
      active: true,
    });
    expect(created.status).toBe(200);
    const integrationId = created.body.result.id;

    const done = await waitFor(
      async () => receiver.received.find((r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE'),
      'FIRST_SYNC_COMPLETE',
      120_000,
      () => pipelineState(databaseUrl),
    );
    expect(done.json.data).toMatchObject({
      successful_job_count: vendorModels('BUILDIUM').length,
      failed_job_count: 0,
    });
    expect(receiver.received.filter((r) => r.json?.trigger === 'JOB_FAILURE')).toHaveLength(0);
    expect(faults.list()).toEqual([]); // every fault was met (and so retried past)

    const total = async (model: string) =>
      (await request(app.url).get(`/v1/${model}/`).query({ limit: 1 }).set(auth)).body.meta.total;
    expect(await total('residents')).toBe(data.tenants.length - 2);
    expect(await total('leases')).toBe(data.leases.length);
    expect(await total('units')).toBe(data.units.length);

    const quarantine = await request(app.url)
      .get(`/v1/admin/integrations/${integrationId}/quarantine`)
      .query({ 'order-by': 'x_id:asc' })
      .set(auth);
    expect(quarantine.status).toBe(200);
    expect(quarantine.body.meta.total).toBe(2);
    const [withId, withoutId] = quarantine.body.results;
    expect(withId).toMatchObject({
      model: 'residents',
      x_id: String(badBirthday.Id),
      raw: { Id: badBirthday.Id, DateOfBirth: 'last spring' },
    });
    expect(withId.reason).toMatch(/DateOfBirth/);
    expect(withoutId).toMatchObject({ model: 'residents', x_id: null });
    expect(withoutId.reason).toMatch(/Id/);

    // The bad birthday's owner is the only one of the first page missing; its neighbours are there.
    const neighbour = await request(app.url)
      .get('/v1/residents/')
      .query({ integration_id: integrationId, x_id: String(data.tenants[4].Id) })
      .set(auth);
    expect(neighbour.body.meta.total).toBe(1);
    const missing = await request(app.url)
      .get('/v1/residents/')
      .query({ integration_id: integrationId, x_id: String(badBirthday.Id) })
      .set(auth);
    expect(missing.body.meta.total).toBe(0);
  });
});
