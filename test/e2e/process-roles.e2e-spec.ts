import fs from 'node:fs';
import request from 'supertest';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState } from '../support/database';
import { startWebhookReceiver } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'roles-client', secret: 'roles-secret' };

/** The production shape: API and worker processes sharing one PostgreSQL and one Redis. */
describe('api and worker processes', () => {
  let api: AppProcess;
  let workers: AppProcess[];
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let databaseUrl: string;

  beforeAll(async () => {
    sandbox = await startBuildiumSandboxServer({ residents: 400, seed: 3, credentials: [CREDENTIALS] });
    receiver = await startWebhookReceiver();
    databaseUrl = await createTestDatabase();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: await testRedisUrl(), SANDBOX: 'false' };
    // The API starts first and migrates; the workers find the schema ready.
    api = await startApp({ name: 'roles-api', role: 'api', env });
    workers = await Promise.all(
      [1, 2].map((n) =>
        startApp({ name: `roles-worker-${n}`, role: 'worker', env: { ...env, LATCHKEY_API_KEY: api.apiKey } }),
      ),
    );
  });

  afterAll(async () => {
    await Promise.all([api, ...(workers ?? [])].map((p) => p?.stop()));
    await receiver?.close();
    await sandbox?.close();
  });

  it('a worker serves only its probes', async () => {
    const worker = workers[0];
    expect((await request(worker.url).get('/health')).status).toBe(200);
    const denied = await request(worker.url).get('/v1/residents/').set('authorization', `Bearer ${api.apiKey}`);
    expect(denied.status).toBe(404);
    expect(denied.body.error.code).toBe('not_found');
  });

  it('the API enqueues, the workers sync and deliver, and the completion is sent once', async () => {
    const auth = { authorization: `Bearer ${api.apiKey}` };
    expect(
      (
        await request(api.url)
          .post('/v1/webhooks/')
          .set(auth)
          .send({ url: receiver.url, triggers: ['FIRST_SYNC_COMPLETE'], active: true })
      ).status,
    ).toBe(200);
    const created = await request(api.url).post('/v1/admin/integrations/').set(auth).send({
      name: 'Roles',
      integration_vendor: 'BUILDIUM',
      credentials: CREDENTIALS,
      base_url: sandbox.url,
      max_request_frequency: 100,
      active: true,
    });
    expect(created.status).toBe(200);

    await waitFor(
      async () => receiver.received.find((r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE'),
      'FIRST_SYNC_COMPLETE',
      120_000,
      () => pipelineState(databaseUrl),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received).toHaveLength(1); // two relays and two dispatchers, one delivery

    const residents = await request(api.url).get('/v1/residents/').query({ limit: 1 }).set(auth);
    expect(residents.body.meta.total).toBe(sandbox.sandbox.data.tenants.length);

    // The jobs ran in the workers, not in the API process.
    const logOf = (p: AppProcess) => fs.readFileSync(p.logFile, 'utf8');
    expect(logOf(api)).not.toMatch(/sync \S+ finished/);
    expect(workers.map(logOf).join('\n')).toMatch(/sync \S+ finished/);
  });
});
