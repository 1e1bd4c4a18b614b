import { createHash } from 'node:crypto';
import request from 'supertest';
import { startApp, type AppProcess } from '../support/app-process';
import { createTestDatabase, withClient, addOtherOrganization } from '../support/database';
import { assertValid } from '../support/propexo-schema';
import { expectError } from '../support/api-error';

const OTHER_KEY = 'lk_other_tenant_key_0123456789abcdef';

describe('API contract: auth, errors, validation and tenant isolation', () => {
  let app: AppProcess;
  let databaseUrl: string;
  let auth: Record<string, string>;
  let other: Record<string, string>;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    app = await startApp({ name: 'api-contract', env: { DATABASE_URL: databaseUrl } });
    auth = { authorization: `Bearer ${app.apiKey}` };
    other = { authorization: `Bearer ${OTHER_KEY}` };
    await addOtherOrganization(databaseUrl, OTHER_KEY);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('answers 401 without a key or with an unknown one, and never stores keys in clear', async () => {
    expectError(await request(app.url).get('/v1/residents/'), 401, 'unauthorized');
    expectError(await request(app.url).get('/v1/residents/').set('authorization', 'Bearer nope'), 401, 'unauthorized');
    expectError(await request(app.url).get('/v1/residents/').set('authorization', app.apiKey), 401, 'unauthorized');
    const stored = await withClient(databaseUrl, (db) => db.query('SELECT key_hash, prefix FROM api_keys'));
    expect(JSON.stringify(stored.rows)).not.toContain(app.apiKey);
    expect(stored.rows.map((r) => r.key_hash)).toContain(createHash('sha256').update(app.apiKey).digest('hex'));
  });

  it("requires base_url for vendors with a host per customer, and gives a new integration the vendor's own request budget", async () => {
    const yardi = {
      username: 'u',
      password: 'p',
      database: 'd',
      serverName: 's',
      platform: 'SQL Server',
      entity: 'e',
      license: 'l',
    };
    const noHost = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth)
      .send({ name: 'y', integration_vendor: 'YARDI', credentials: yardi });
    expectError(noHost, 400, 'invalid_request');
    expect(noHost.body.error.details.fields.base_url[0]).toMatch(/required for YARDI/);
    expect(
      (
        await withClient(databaseUrl, (db) =>
          db.query(`SELECT count(*)::int AS n FROM integrations WHERE vendor = 'YARDI'`),
        )
      ).rows[0].n,
    ).toBe(0);

    const appfolio = { clientId: 'c', clientSecret: 's', developerId: 'd' };
    const paced = await request(app.url).post('/v1/admin/integrations/').set(auth).send({
      name: 'a',
      integration_vendor: 'APPFOLIO',
      credentials: appfolio,
      base_url: 'https://acme.appfolio.com',
    });
    expect(paced.status).toBe(200);
    // AppFolio publishes about 7 requests per 15 seconds: 28 a minute.
    expect(paced.body.result).toMatchObject({ max_request_frequency: 28, max_request_cadence: 'MINUTE' });
    const own = await request(app.url).post('/v1/admin/integrations/').set(auth).send({
      name: 'b',
      integration_vendor: 'APPFOLIO',
      credentials: appfolio,
      base_url: 'https://acme.appfolio.com',
      max_request_frequency: 2,
    });
    expect(own.body.result).toMatchObject({ max_request_frequency: 2, max_request_cadence: 'SECOND' });
    // Buildium's about 10 a second: 600 a minute.
    const buildium = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth)
      .send({ name: 'c', integration_vendor: 'BUILDIUM', credentials: { clientId: 'a', secret: 'b' } });
    expect(buildium.body.result).toMatchObject({ max_request_frequency: 600, max_request_cadence: 'MINUTE' });
    // A vendor with no budget of its own gets Propexo's default, one a second.
    const propertyware = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth)
      .send({
        name: 'd',
        integration_vendor: 'PROPERTYWARE_REST',
        credentials: { clientId: 'a', clientSecret: 'b', systemId: 'c' },
      });
    expect(propertyware.body.result).toMatchObject({ max_request_frequency: 1, max_request_cadence: 'SECOND' });
    for (const created of [paced, own, buildium, propertyware])
      await request(app.url).delete(`/v1/admin/integrations/${created.body.result.id}`).set(auth);
  });

  it('answers unknown routes with 404 in the error envelope', async () => {
    expectError(await request(app.url).get('/v1/nothing-here').set(auth), 404, 'not_found');
    expectError(await request(app.url).delete('/v1/residents/some-id').set(auth), 404, 'not_found');
    // A write route that exists answers its body's problem, not 404.
    expectError(await request(app.url).post('/v1/residents/').set(auth).send({}), 400, 'invalid_request');
  });

  it('names every bad field of a body with 400 invalid_request, writing nothing', async () => {
    const res = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth)
      .send({ integration_vendor: 'NOPE', credentials: 'x', sync_frequency: -1, surprise: true });
    expectError(res, 400, 'invalid_request');
    expect(Object.keys(res.body.error.details.fields).sort()).toEqual([
      'credentials',
      'integration_vendor',
      'name',
      'surprise',
      'sync_frequency',
    ]);

    const creds = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth)
      .send({ name: 'x', integration_vendor: 'BUILDIUM', credentials: { clientId: '' } });
    expectError(creds, 400, 'invalid_request');
    expect(Object.keys(creds.body.error.details.fields).sort()).toEqual(['credentials.clientId', 'credentials.secret']);

    expectError(
      await request(app.url).post('/v1/webhooks/').set(auth).set('content-type', 'application/json').send('{"url": '),
      400,
      'invalid_request',
    );
    expectError(await request(app.url).post('/v1/webhooks/').set(auth).send([1, 2]), 400, 'invalid_request');
    const hook = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth)
      .send({ url: 'not a url', triggers: ['NOPE'], secret: 'short' });
    expectError(hook, 400, 'invalid_request');
    expect(Object.keys(hook.body.error.details.fields).sort()).toEqual(['secret', 'triggers', 'url']);

    const counts = await withClient(databaseUrl, (db) =>
      db.query('SELECT (SELECT count(*) FROM integrations)::int AS i, (SELECT count(*) FROM webhooks)::int AS w'),
    );
    expect(counts.rows[0]).toEqual({ i: 0, w: 0 });
  });

  it('rejects unknown or malformed query parameters with 400', async () => {
    expectError(
      await request(app.url).get('/v1/residents/').query({ colour: 'blue' }).set(auth),
      400,
      'invalid_request',
    );
    for (const query of [
      { limit: 251 },
      { limit: -1 },
      { offset: -1 },
      { 'order-by': 'nope:asc' },
      { 'order-by': 'first_name:sideways' },
      { updated_at_gte: 'yesterday' },
      { phone_1: '123' },
    ]) {
      expectError(await request(app.url).get('/v1/residents/').query(query).set(auth), 400, 'invalid_request');
    }
    // x_id means something only within one integration.
    expectError(await request(app.url).get('/v1/leases/').query({ x_id: '7' }).set(auth), 400, 'invalid_request');
    // Time filters that are ISO 8601 in name only (week dates, ordinal dates, a bare year) or not on the calendar
    // are refused naming the field; the PostgreSQL cast used to fail on them with a 500. Dates likewise.
    for (const [path, field, value] of [
      ['/v1/residents/', 'updated_at_gte', '2026-W01'],
      ['/v1/units/', 'last_seen_lte', '2026-001'],
      ['/v1/properties/', 'updated_at_lte', '2026'],
      ['/v1/leases/', 'last_seen_gte', '2026-02-30T10:00:00Z'],
      ['/v1/leases/', 'updated_at_gte', '2026-01-01T25:00:00Z'],
      ['/v1/admin/data-diffs/', 'before', '20260101T000000Z'],
      ['/v1/admin/data-diffs/', 'after', '2026-01-01T00:00:00+2400'],
      ['/v1/leases/', 'before_move_in_date', '2026-02-30'],
      ['/v1/leases/', 'after_move_out_date', '2026-1-5'],
    ]) {
      const res = await request(app.url)
        .get(path)
        .query({ [field]: value })
        .set(auth);
      expectError(res, 400, 'invalid_request');
      expect([field, value, Object.keys(res.body.error.details.fields)]).toEqual([field, value, [field]]);
    }
  });

  it('takes every ISO 8601 spelling of a date-time in a time filter, and a date, and limit=0 as a count', async () => {
    for (const value of [
      '2026-01-31',
      '2026-01-31T09:30:00Z',
      '2026-01-31t09:30:00z',
      '2026-01-31T09:30:00.123456Z',
      '2026-01-31T09:30:00,5Z',
      '2026-01-31T09:30Z',
      '2026-01-31T09:30:00+05:30',
      '2026-01-31T09:30:00-0800',
      '2026-01-31T09:30:00+02',
      '2026-01-31T09:30:00',
      '2026-01-31 09:30:00Z',
    ]) {
      for (const field of ['updated_at_gte', 'updated_at_lte', 'last_seen_gte', 'last_seen_lte']) {
        const res = await request(app.url)
          .get('/v1/residents/')
          .query({ [field]: value })
          .set(auth);
        expect([field, value, res.status]).toEqual([field, value, 200]);
      }
      for (const field of ['before', 'after']) {
        const res = await request(app.url)
          .get('/v1/admin/data-diffs/')
          .query({ [field]: value })
          .set(auth);
        expect([field, value, res.status]).toEqual([field, value, 200]);
      }
    }
    // limit=0 (the spec's minimum): no records, the meta counts them.
    await request(app.url)
      .post('/v1/webhooks/')
      .set(auth)
      .send({ url: 'http://127.0.0.1:9/count', triggers: ['DATA_NEW'], active: true });
    const counted = await request(app.url).get('/v1/webhooks/').query({ limit: 0 }).set(auth);
    expect(counted.status).toBe(200);
    expect(counted.body).toEqual({
      meta: {
        offset: 0,
        limit: 0,
        orderBy: [{ field: 'created_at', direction: 'desc' }],
        hasMore: true,
        total: expect.any(Number),
      },
      results: [],
    });
    expect(counted.body.meta.total).toBeGreaterThan(0);
    assertValid('_v1_webhooks__get_output', counted.body);
  });

  it('accepts OUTBOUND guard-safe URLs only and keeps vendor credentials encrypted, never returned', async () => {
    const created = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth)
      .send({
        name: 'Enc',
        integration_vendor: 'BUILDIUM',
        credentials: { clientId: 'id-123', secret: 'super-secret-value' },
        base_url: 'http://127.0.0.1:9/',
      });
    expect(created.status).toBe(200);
    expect(JSON.stringify(created.body)).not.toContain('super-secret-value');
    const row = await withClient(databaseUrl, (db) =>
      db.query('SELECT * FROM integrations WHERE id = $1', [created.body.result.id]),
    );
    expect(JSON.stringify(row.rows[0])).not.toContain('super-secret-value');
    expect(row.rows[0].credentials_encrypted).toMatch(/^v1\./);
    const listed = await request(app.url).get('/v1/admin/integrations/').set(auth);
    assertValid('_v1_admin_integrations__get_output', listed.body);
    expect(JSON.stringify(listed.body)).not.toContain('super-secret-value');

    const blocked = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth)
      .send({ url: 'http://169.254.169.254/latest', triggers: ['DATA_NEW'] });
    expectError(blocked, 400, 'invalid_request');
  });

  it("never shows one organization another's integrations or webhooks (404 by id)", async () => {
    const integration = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth)
      .send({ name: 'Mine', integration_vendor: 'BUILDIUM', credentials: { clientId: 'a', secret: 'b' } });
    const webhook = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth)
      .send({ url: 'http://127.0.0.1:9/hook', triggers: ['DATA_NEW'], active: true });
    expect(integration.status).toBe(200);
    expect(webhook.status).toBe(200);
    const id = integration.body.result.id;
    const hookId = webhook.body.result.id;

    expectError(await request(app.url).get(`/v1/admin/integrations/${id}/`).set(other), 404, 'not_found');
    expectError(
      await request(app.url).put(`/v1/admin/integrations/${id}/`).set(other).send({ name: 'stolen' }),
      404,
      'not_found',
    );
    expectError(await request(app.url).delete(`/v1/admin/integrations/${id}/`).set(other), 404, 'not_found');
    expectError(
      await request(app.url).post(`/v1/admin/integrations/${id}/manual-sync`).set(other).send({}),
      404,
      'not_found',
    );
    expectError(await request(app.url).get(`/v1/webhooks/${hookId}`).set(other), 404, 'not_found');
    expectError(
      await request(app.url).put(`/v1/webhooks/${hookId}`).set(other).send({ active: false }),
      404,
      'not_found',
    );
    expectError(await request(app.url).delete(`/v1/webhooks/${hookId}`).set(other), 404, 'not_found');
    expect((await request(app.url).get('/v1/admin/integrations/').set(other)).body.results).toEqual([]);
    expect((await request(app.url).get('/v1/webhooks/').set(other)).body.results).toEqual([]);
    const webhookForeignIntegration = await request(app.url)
      .post('/v1/webhooks/')
      .set(other)
      .send({ url: 'http://127.0.0.1:9/x', triggers: ['DATA_NEW'], integration_id: id });
    expectError(webhookForeignIntegration, 400, 'invalid_request');
    expectError(await request(app.url).get('/v1/residents/not-a-resident').set(auth), 404, 'not_found');

    // The owner still sees them, unchanged.
    const mine = await request(app.url).get(`/v1/admin/integrations/${id}/`).set(auth);
    expect(mine.body.results.name).toBe('Mine');
    assertValid('_v1_admin_integrations_{integration_id}__get_output', mine.body);
  });

  it('serves webhooks in the spec shapes, and generated secrets verify both signature schemes', async () => {
    const created = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth)
      .send({
        url: 'http://127.0.0.1:9/w',
        triggers: ['DATA_NEW', 'DATA_UPDATE', 'SYNC_COMPLETE'],
        model: 'residents',
        headers: [{ header: 'x-team', value: 'a' }],
      });
    expect(created.status).toBe(200);
    assertValid('_v1_webhooks__post_output', created.body);
    const hook = created.body.result;
    expect(hook.active).toBe(false);
    expect(hook.triggers).toEqual(
      expect.arrayContaining([
        { id: expect.any(String), trigger: 'DATA_NEW', model: 'residents' },
        { id: expect.any(String), trigger: 'SYNC_COMPLETE', model: null },
      ]),
    );
    const got = await request(app.url).get(`/v1/webhooks/${hook.id}`).set(auth);
    assertValid('_v1_webhooks_{webhook_id}_get_output', got.body);
    // The list defaults to active webhooks, as the spec's `active` default says.
    const activeOnly = await request(app.url).get('/v1/webhooks/').set(auth);
    expect(activeOnly.body.results.map((w: any) => w.id)).not.toContain(hook.id);
    const inactive = await request(app.url).get('/v1/webhooks/').query({ active: 'false' }).set(auth);
    expect(inactive.body.results.map((w: any) => w.id)).toContain(hook.id);
    assertValid('_v1_webhooks__get_output', inactive.body);

    const updated = await request(app.url)
      .put(`/v1/webhooks/${hook.id}`)
      .set(auth)
      .send({ active: true, secret: 'my-own-secret-123' });
    expect(updated.status).toBe(200);
    assertValid('_v1_webhooks_{webhook_id}_put_output', updated.body);
    expect(updated.body.result.secret).toBe('my-own-secret-123');
    expect(updated.body.result.triggers).toHaveLength(3);
    const stored = await withClient(databaseUrl, (db) =>
      db.query('SELECT secret_encrypted FROM webhooks WHERE id = $1', [hook.id]),
    );
    expect(stored.rows[0].secret_encrypted).not.toContain('my-own-secret-123');

    const deleted = await request(app.url).delete(`/v1/webhooks/${hook.id}`).set(auth);
    expect(deleted.body).toEqual({ result: { id: hook.id } });
    expectError(await request(app.url).get(`/v1/webhooks/${hook.id}`).set(auth), 404, 'not_found');
  });

  it('reports health and readiness without a key', async () => {
    expect((await request(app.url).get('/health')).status).toBe(200);
    const ready = await request(app.url).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ database: 'ok', queue: 'ok', queue_backend: 'postgres' });
  });
});
