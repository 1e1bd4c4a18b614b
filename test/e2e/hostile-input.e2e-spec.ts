import fc from 'fast-check';
import request from 'supertest';
import { BUILDIUM_SANDBOX_CREDENTIALS } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, type AppProcess } from '../support/app-process';
import { createTestDatabase, withClient } from '../support/database';

/** Tables whose rows a rejected request must leave alone (counts and last update). */
const GUARDED_TABLES = [
  'organizations',
  'api_keys',
  'integrations',
  'webhooks',
  'webhook_triggers',
  'webhook_deliveries',
  'webhook_attempts',
  'events',
  'sync_runs',
  'sync_jobs',
  'data_access_results',
  'properties',
  'units',
  'residents',
  'leases',
  'quarantined_records',
  'data_diffs',
];

/** Query keys no endpoint knows, so a request carrying one must be refused (API.md §2). */
const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `zz_${s}`);
const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '../../etc/passwd',
    '%00',
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    '\u0000',
    '\uD800',
    '9'.repeat(400),
    '-1',
    '1e309',
    'NaN',
    '[]',
    '{}',
  ),
);

/** A query that is wrong in at least one way: an unknown parameter, or a known one with a bad value. */
const hostileQuery = fc.oneof(
  fc
    .tuple(
      fc.dictionary(unknownKey, hostileText, { minKeys: 1, maxKeys: 3 }),
      fc.dictionary(fc.constantFrom('limit', 'offset', 'order-by'), hostileText, { maxKeys: 2 }),
    )
    .map(([unknown, known]) => ({ ...known, ...unknown })),
  fc.record({
    // Bad on every list: above the event feed's 1000, below the spec's minimum 0 (limit=0 is a count without records).
    limit: fc.oneof(
      fc.integer({ min: 1001 }),
      fc.integer({ max: -1 }),
      fc.constantFrom('abc', '1.5', '', ' 5', '0x10'),
    ),
  }),
  fc.record({ offset: fc.oneof(fc.integer({ max: -1 }), fc.constantFrom('abc', '1.5', '-0.1')) }),
  fc.record({
    'order-by': fc.oneof(
      unknownKey.map((k) => `${k}:asc`),
      fc.constantFrom('created_at:sideways', 'created_at:asc;DROP TABLE residents', ':', ',,,'),
    ),
  }),
  fc.record({ updated_at_gte: fc.constantFrom('yesterday', '2026-13-45', '1e9', "2026-01-01' OR '1'='1") }),
);

/** A body that is wrong in at least one way: not an object, or an object with a field no DTO has. */
const hostileBody = fc.oneof(
  fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.boolean(),
    hostileText,
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  ),
  fc
    .tuple(
      fc.dictionary(
        fc.constantFrom(
          'name',
          'url',
          'triggers',
          'active',
          'credentials',
          'integration_vendor',
          'models_to_sync',
          'since',
          'secret',
          'headers',
          'base_url',
        ),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 4 },
      ),
      unknownKey,
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([known, key, value]) => ({ ...known, [key]: value })),
);

/** A path segment that names nothing: hostile text, every UTF-8 byte percent-encoded so it stays one segment. */
const unknownId = hostileText.map(
  (s) => `nope-${[...Buffer.from(s, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')}`,
);

interface HostileRequest {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  /** Raw text sent as application/json (not JSON). */
  raw?: string;
}

/**
 * Property-based: random and hostile requests at every endpoint always answer a 4xx with the error envelope,
 * never a 500, and write nothing.
 */
describe('hostile input', () => {
  let app: AppProcess;
  let databaseUrl: string;
  let integrationId: string;
  let webhookId: string;
  const auth = () => ({ authorization: `Bearer ${app.apiKey}` });

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    app = await startApp({ name: 'hostile-input', env: { DATABASE_URL: databaseUrl, RATE_LIMIT_PER_MINUTE: '0' } });
    const integration = await request(app.url)
      .post('/v1/admin/integrations/')
      .set(auth())
      .send({
        name: 'Target',
        integration_vendor: 'BUILDIUM',
        credentials: BUILDIUM_SANDBOX_CREDENTIALS,
        base_url: `${app.url}/sandbox/buildium`,
      });
    expect(integration.status).toBe(200);
    integrationId = integration.body.result.id;
    const webhook = await request(app.url)
      .post('/v1/webhooks/')
      .set(auth())
      .send({ url: 'http://127.0.0.1:9/hook', triggers: ['DATA_NEW'], active: true });
    expect(webhook.status).toBe(200);
    webhookId = webhook.body.result.id;
  });

  afterAll(async () => {
    await app?.stop();
  });

  /** Every row count and the newest update of each guarded table. */
  const snapshot = () =>
    withClient(databaseUrl, async (db) => {
      const out: Record<string, unknown> = {};
      for (const table of GUARDED_TABLES) {
        const columns = (
          await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1`, [table])
        ).rows.map((r) => r.column_name);
        const updated = columns.includes('updated_at') ? ', max("updated_at") AS updated' : '';
        out[table] = (await db.query(`SELECT count(*)::int AS n${updated} FROM "${table}"`)).rows[0];
      }
      return out;
    });

  const requests = (ids: { integration: string; webhook: string }): fc.Arbitrary<HostileRequest> => {
    const lists = [
      '/v1/properties',
      '/v1/units',
      '/v1/residents',
      '/v1/leases',
      '/v1/events',
      '/v1/admin/integrations',
      '/v1/admin/logs/jobs',
      '/v1/admin/data-diffs',
      '/v1/webhooks',
      `/v1/webhooks/${ids.webhook}/deliveries`,
      `/v1/admin/integrations/${ids.integration}/quarantine`,
      `/v1/admin/integrations/${ids.integration}/job-schedules`,
      `/v1/admin/integrations/${ids.integration}/schema-drift`,
      `/v1/admin/integrations/${ids.integration}/unknown-values`,
    ];
    const byUnknownId = (id: string) =>
      [
        { method: 'get', path: `/v1/residents/${id}` },
        { method: 'get', path: `/v1/leases/${id}` },
        { method: 'get', path: `/v1/properties/${id}` },
        { method: 'get', path: `/v1/units/${id}` },
        { method: 'get', path: `/v1/admin/integrations/${id}` },
        { method: 'delete', path: `/v1/admin/integrations/${id}` },
        { method: 'get', path: `/v1/admin/logs/jobs/${id}` },
        { method: 'get', path: `/v1/webhooks/${id}` },
        { method: 'delete', path: `/v1/webhooks/${id}` },
        { method: 'get', path: `/v1/admin/integrations/${id}/data-access` },
        { method: 'get', path: `/v1/admin/integrations/${id}/rate-limits` },
        { method: 'get', path: `/v1/admin/integrations/${id}/vendor-status` },
        { method: 'get', path: `/v1/admin/integrations/${ids.integration}/job-schedules/${id}` },
        { method: 'get', path: `/v1/webhooks/${ids.webhook}/deliveries/${id}` },
        { method: 'post', path: `/v1/webhooks/${ids.webhook}/deliveries/${id}/retry`, body: {} },
        { method: 'post', path: `/v1/admin/integrations/${id}/data-access`, body: {} },
        { method: 'post', path: `/v1/admin/integrations/${id}/manual-sync`, body: {} },
        { method: 'post', path: `/v1/webhooks/${id}/test`, body: {} },
        { method: 'post', path: `/v1/webhooks/${id}/replay`, body: { since: '2026-01-01T00:00:00Z' } },
      ] as HostileRequest[];
    const withBody = [
      { method: 'post', path: '/v1/admin/integrations' },
      { method: 'put', path: `/v1/admin/integrations/${ids.integration}` },
      { method: 'post', path: `/v1/admin/integrations/${ids.integration}/manual-sync` },
      { method: 'post', path: `/v1/admin/integrations/${ids.integration}/data-access` },
      { method: 'post', path: '/v1/webhooks' },
      { method: 'put', path: `/v1/webhooks/${ids.webhook}` },
      { method: 'post', path: `/v1/webhooks/${ids.webhook}/replay` },
      { method: 'post', path: `/v1/webhooks/${ids.webhook}/test` },
    ] as HostileRequest[];
    return fc.oneof(
      fc
        .tuple(fc.constantFrom(...lists), hostileQuery)
        .map(([path, query]) => ({ method: 'get' as const, path, query })),
      fc
        .tuple(
          fc.constantFrom(...lists.filter((p) => !p.includes('/deliveries') && !p.includes('/quarantine'))),
          hostileQuery,
        )
        .map(([path, query]) => ({ method: 'get' as const, path: `${path}/`, query })),
      unknownId.chain((id) => fc.constantFrom(...byUnknownId(id))),
      fc.tuple(fc.constantFrom(...withBody), hostileBody).map(([target, body]) => ({ ...target, body })),
      fc
        .tuple(
          fc.constantFrom(...withBody),
          fc.constantFrom('{', '{"name":', "{'a':1}", 'null,', '\u0000', '{"a":1}}', 'true false'),
        )
        .map(([target, raw]) => ({ ...target, raw })),
    );
  };

  const send = (r: HostileRequest) => {
    let call = request(app.url)[r.method](r.path).set(auth());
    if (r.query) call = call.query(r.query as Record<string, string>);
    if (r.raw !== undefined) return call.set('content-type', 'application/json').send(r.raw);
    if (r.body !== undefined) return call.set('content-type', 'application/json').send(JSON.stringify(r.body));
    return call;
  };

  it('answers every hostile request with a 4xx error envelope, never a 500, and writes nothing', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(requests({ integration: integrationId, webhook: webhookId }), async (r) => {
        const res = await send(r);
        const described = `${r.method.toUpperCase()} ${r.path} ${JSON.stringify(r.query ?? {})} ${r.raw ?? JSON.stringify(r.body)} -> ${res.status} ${res.text.slice(0, 300)}`;
        if (!(res.status >= 400 && res.status < 500)) throw new Error(`not a 4xx: ${described}`);
        const error = res.body?.error;
        if (
          !error ||
          typeof error.code !== 'string' ||
          typeof error.message !== 'string' ||
          typeof error.details !== 'object' ||
          error.details === null
        ) {
          throw new Error(`no error envelope: ${described}`);
        }
      }),
      { numRuns: 600, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31), verbose: true },
    );
    expect(await snapshot()).toEqual(before);
  });
});
