import request from 'supertest';
import { BUILDIUM_SANDBOX_CREDENTIALS } from '../../src/sandbox/buildium/buildium-sandbox';
import { freePort, waitFor } from '../support/app-process';
import { addOtherOrganization, createTestDatabase, withClient } from '../support/database';
import {
  authHeader,
  firstSync,
  manualSync,
  readAll,
  sandboxControl,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync-helpers';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const RESIDENTS = 400;
const OTHER_KEY = 'lk_other_connect_0123456789abcdef';

/**
 * Connect end to end: the real app replicates a Buildium sandbox integration from its cache into a second
 * real PostgreSQL database, which the test reads back with its own client.
 */
describe('Connect: replication into a PostgreSQL warehouse', () => {
  let harness: SyncHarness;
  let integrationId: string;
  let destinationUrl: string;
  let destinationId: string;
  let proxy: TcpProxy;
  const control = () => sandboxControl(`${harness.app.url}/sandbox/buildium`);
  const api = () => request(harness.app.url);
  const auth = () => authHeader(harness.app);
  const dest = <R = any>(sql: string, params: unknown[] = []) =>
    withClient(destinationUrl, async (db) => (await db.query(sql, params)).rows as R[]);
  /** Cache rows of the integration (deleted ones too): what a destination must end up holding. */
  const source = (table: string, columns = 'id, updated_at, deleted_at') =>
    withClient(
      harness.databaseUrl,
      async (db) =>
        (await db.query(`SELECT ${columns} FROM ${table} WHERE integration_id = $1 ORDER BY id`, [integrationId])).rows,
    );
  const urlWith = (changes: { password?: string; port?: number; username?: string }) => {
    const url = new URL(destinationUrl);
    if (changes.password !== undefined) url.password = changes.password;
    if (changes.port !== undefined) url.port = String(changes.port);
    if (changes.username !== undefined) url.username = changes.username;
    return url.toString();
  };

  async function createDestination(name: string, url: string): Promise<string> {
    const res = await api()
      .post('/v1/connect/destinations')
      .set(auth())
      .send({ name, type: 'postgres', connection_url: url });
    expect(res.status).toBe(201);
    return res.body.result.id;
  }

  async function createConnection(body: Record<string, unknown>): Promise<string> {
    const res = await api()
      .post('/v1/connect/connections')
      .set(auth())
      .send({
        name: 'warehouse',
        integration_id: integrationId,
        destination_id: destinationId,
        schedule: { type: 'manual' },
        ...body,
      });
    expect(res.status).toBe(201);
    return res.body.result.id;
  }

  async function requestSync(connectionId: string): Promise<string> {
    const res = await api().post(`/v1/connect/connections/${connectionId}/sync`).set(auth()).send({});
    expect(res.status).toBe(202);
    return res.body.result.run_id;
  }

  async function getRun(connectionId: string, runId: string): Promise<any> {
    const res = await api().get(`/v1/connect/connections/${connectionId}/runs/${runId}`).set(auth());
    expect(res.status).toBe(200);
    return res.body.results;
  }

  async function waitForRun(connectionId: string, runId: string, timeoutMs = 120_000): Promise<any> {
    return waitFor(
      async () => {
        const run = await getRun(connectionId, runId);
        return run.status === 'SUCCEEDED' || run.status === 'FAILED' ? run : undefined;
      },
      `run ${runId}`,
      timeoutMs,
      () => getRun(connectionId, runId),
    );
  }

  async function syncAndWait(connectionId: string): Promise<any> {
    const run = await waitForRun(connectionId, await requestSync(connectionId));
    expect({ status: run.status, error: run.error }).toEqual({ status: 'SUCCEEDED', error: null });
    return run;
  }

  beforeAll(async () => {
    harness = await startSyncHarness({
      name: 'connect',
      vendor: 'BUILDIUM',
      triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE'],
      // Small pages make runs long enough to cut in the middle; short retry delays keep the test quick.
      env: { CONNECT_PAGE_SIZE: '40', CONNECT_RETRY_BASE_MS: '500', CONNECT_RUN_ATTEMPTS: '8' },
    });
    await control()('POST', 'reset', { residents: RESIDENTS });
    integrationId = (
      await firstSync(harness, 'connect source', `${harness.app.url}/sandbox/buildium`, BUILDIUM_SANDBOX_CREDENTIALS)
    ).id;
    destinationUrl = await createTestDatabase();
    proxy = await startTcpProxy(Number(new URL(destinationUrl).port), { latencyMs: 30 });
  });

  afterAll(async () => {
    await proxy?.close();
    await harness?.stop();
  });

  it('checks a destination by connecting before storing it, and never shows its password', async () => {
    const unreachable = await api()
      .post('/v1/connect/destinations')
      .set(auth())
      .send({ name: 'nowhere', connection_url: urlWith({ port: await freePort() }) });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error.code).toBe('invalid_request');
    expect(unreachable.body.error.details.fields.connection_url[0]).toMatch(/unreachable.*ECONNREFUSED/);

    const wrongPassword = await api()
      .post('/v1/connect/destinations')
      .set(auth())
      .send({ name: 'wrong', connection_url: urlWith({ password: 'not-the-password' }) });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body.error.details.fields.connection_url[0]).toMatch(/authentication failed/);

    // A role that may log in but not create schemas (PUBLIC has no CREATE on a database by default).
    const role = `lk_reader_${Date.now()}`;
    await dest(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-password'`);
    const readOnly = await api()
      .post('/v1/connect/destinations')
      .set(auth())
      .send({ name: 'reader', connection_url: urlWith({ username: role, password: 'reader-password' }) });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body.error.details.fields.connection_url[0]).toMatch(/not allowed to create schemas/);

    const notPostgres = await api()
      .post('/v1/connect/destinations')
      .set(auth())
      .send({ name: 'http', connection_url: 'http://example.com/db' });
    expect(notPostgres.status).toBe(400);
    expect(Object.keys(notPostgres.body.error.details.fields)).toEqual(['connection_url']);

    // A role of its own whose password appears nowhere else, allowed to create schemas.
    const writer = `lk_writer_${Date.now()}`;
    const password = `pw-${writer}-secret`;
    await dest(`CREATE ROLE ${writer} LOGIN PASSWORD '${password}'`);
    await dest(`GRANT CREATE ON DATABASE "${new URL(destinationUrl).pathname.slice(1)}" TO ${writer}`);
    const url = new URL(urlWith({ username: writer, password }));
    const created = await api()
      .post('/v1/connect/destinations')
      .set(auth())
      .send({ name: 'warehouse', type: 'postgres', connection_url: url.toString() });
    expect(created.status).toBe(201);
    expect(created.body.result).toEqual({
      id: expect.any(String),
      name: 'warehouse',
      type: 'postgres',
      host: url.hostname,
      port: Number(url.port),
      database: url.pathname.slice(1),
      username: writer,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(JSON.stringify(created.body)).not.toContain(password);
    destinationId = created.body.result.id;
    const listed = await api().get('/v1/connect/destinations').set(auth());
    expect(listed.status).toBe(200);
    expect(listed.body.meta).toMatchObject({ total: 1, hasMore: false });
    expect(JSON.stringify(listed.body)).not.toContain(password);
  });

  it("validates connections: streams, fields, schedule, namespace, prefix, and other organizations' ids", async () => {
    const base = {
      name: 'bad',
      integration_id: integrationId,
      destination_id: destinationId,
      namespace: 'ok',
      schedule: { type: 'manual' },
      streams: [{ name: 'residents', sync_mode: 'incremental_dedup' }],
    };
    const fieldsOf = async (body: object) => {
      const res = await api()
        .post('/v1/connect/connections')
        .set(auth())
        .send({ ...base, ...body });
      expect(res.status).toBe(400);
      return Object.keys(res.body.error.details.fields);
    };
    expect(await fieldsOf({ schedule: { type: 'cron', cron: '* * *' } })).toEqual(['schedule.cron']);
    expect(await fieldsOf({ schedule: { type: 'cron', cron: '61 * * * *' } })).toEqual(['schedule.cron']);
    expect(await fieldsOf({ schedule: { type: 'hourly' } })).toEqual(['schedule.type']);
    expect(await fieldsOf({ namespace: 'Robert"; DROP TABLE x; --' })).toEqual(['namespace']);
    expect(await fieldsOf({ namespace: 'pg_catalog' })).toEqual(['namespace']);
    expect(await fieldsOf({ stream_prefix: 'a-b' })).toEqual(['stream_prefix']);
    expect(await fieldsOf({ streams: [{ name: 'tenants', sync_mode: 'incremental_dedup' }] })).toEqual([
      'streams.0.name',
    ]);
    expect(await fieldsOf({ streams: [{ name: 'residents', sync_mode: 'mirror' }] })).toEqual(['streams.0.sync_mode']);
    expect(
      await fieldsOf({
        streams: [{ name: 'residents', sync_mode: 'incremental_dedup', fields: ['first_name', 'shoe_size'] }],
      }),
    ).toEqual(['streams.0.fields']);
    expect(await fieldsOf({ streams: [] })).toEqual(['streams']);
    expect(await fieldsOf({ streams: [{ name: 'residents_to_leases', sync_mode: 'incremental_dedup' }] })).toEqual([
      'streams.0.sync_mode',
    ]);

    await addOtherOrganization(harness.databaseUrl, OTHER_KEY);
    const other = { authorization: `Bearer ${OTHER_KEY}` };
    const foreign = await api().post('/v1/connect/connections').set(other).send(base);
    expect(foreign.status).toBe(404);
    expect((await api().get(`/v1/connect/destinations/${destinationId}`).set(other)).status).toBe(404);
  });

  it("full refresh: the destination holds the API's records, with only the chosen fields as columns, under the namespace and prefix", async () => {
    const connectionId = await createConnection({
      namespace: 'warehouse',
      stream_prefix: 'lk_',
      streams: [
        {
          name: 'residents',
          sync_mode: 'full_refresh_overwrite',
          fields: ['first_name', 'last_name', 'email_1', 'deleted_at'],
        },
        { name: 'properties', sync_mode: 'full_refresh_overwrite' },
      ],
    });
    const run = await syncAndWait(connectionId);
    expect(run).toMatchObject({ connection_id: connectionId, trigger: 'manual', attempts: 1 });
    expect(run.streams).toHaveLength(2);
    expect(run.streams).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'properties',
          sync_mode: 'full_refresh_overwrite',
          status: 'SUCCEEDED',
          error: null,
        }),
        expect.objectContaining({
          name: 'residents',
          sync_mode: 'full_refresh_overwrite',
          status: 'SUCCEEDED',
          records: RESIDENTS,
          error: null,
        }),
      ]),
    );

    const residents = await readAll(harness.app, 'residents', integrationId);
    expect(residents).toHaveLength(RESIDENTS);
    const rows = await dest('SELECT * FROM "warehouse"."lk_residents" ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(residents.map((r) => r.id).sort());
    const byId = new Map(residents.map((r) => [r.id, r]));
    for (const row of rows) {
      const record = byId.get(row.id)!;
      expect({
        first_name: row.first_name,
        last_name: row.last_name,
        email_1: row.email_1,
        updated_at: row.updated_at.toISOString(),
        deleted_at: row.deleted_at,
      }).toEqual({
        first_name: record.first_name,
        last_name: record.last_name,
        email_1: record.email_1,
        updated_at: record.updated_at,
        deleted_at: null,
      });
    }
    const columns = await dest<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'warehouse' AND table_name = 'lk_residents' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => c.column_name)).toEqual([
      'id',
      'updated_at',
      'email_1',
      'first_name',
      'last_name',
      'deleted_at',
      '_latchkey_synced_at',
    ]);
    expect(columns.find((c) => c.column_name === 'updated_at')!.data_type).toBe('timestamp with time zone');

    // Every field of properties, typed from the canonical model.
    const propertyColumns = await dest<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'warehouse' AND table_name = 'lk_properties'`,
    );
    const types = Object.fromEntries(propertyColumns.map((c) => [c.column_name, c.data_type]));
    expect(types).toMatchObject({
      id: 'text',
      number_of_units: 'bigint',
      is_active: 'boolean',
      custom_data: 'jsonb',
      x_created_at: 'timestamp with time zone',
      office_hours: 'jsonb',
      _latchkey_synced_at: 'timestamp with time zone',
    });
    const properties = await readAll(harness.app, 'properties', integrationId);
    const propertyRows = await dest('SELECT id, name, number_of_units FROM "warehouse"."lk_properties" ORDER BY id');
    expect(propertyRows).toEqual(
      properties
        .map((p) => ({
          id: p.id,
          name: p.name,
          number_of_units: p.number_of_units === null ? null : String(p.number_of_units),
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    );

    // Names are the namespace's and prefix's: nothing landed elsewhere.
    const tables = await dest<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    expect(tables).toEqual([
      { table_schema: 'warehouse', table_name: 'lk_properties' },
      { table_schema: 'warehouse', table_name: 'lk_residents' },
    ]);

    // A second refresh, with a field added and one left out, swaps in a new table with the same rows: the new
    // field gains a column, the dropped one keeps its column (empty now), and no staging table is left behind.
    const changed = await api()
      .put(`/v1/connect/connections/${connectionId}`)
      .set(auth())
      .send({
        streams: [
          {
            name: 'residents',
            sync_mode: 'full_refresh_overwrite',
            fields: ['first_name', 'last_name', 'phone_1', 'deleted_at'],
          },
          { name: 'properties', sync_mode: 'full_refresh_overwrite' },
        ],
      });
    expect(changed.status).toBe(200);
    expect(changed.body.result.streams[0].fields).toEqual([
      'id',
      'updated_at',
      'first_name',
      'last_name',
      'phone_1',
      'deleted_at',
    ]);
    await syncAndWait(connectionId);
    expect((await dest('SELECT count(*)::int AS n FROM "warehouse"."lk_residents"'))[0].n).toBe(RESIDENTS);
    const evolved = await dest<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'warehouse' AND table_name = 'lk_residents'`,
    );
    expect(evolved.map((c) => c.column_name).sort()).toEqual([
      '_latchkey_synced_at',
      'deleted_at',
      'email_1',
      'first_name',
      'id',
      'last_name',
      'phone_1',
      'updated_at',
    ]);
    const phones = await dest('SELECT id, phone_1, email_1 FROM "warehouse"."lk_residents" ORDER BY id');
    expect(phones.map((r) => ({ id: r.id, phone_1: r.phone_1, email_1: r.email_1 }))).toEqual(
      residents.map((r) => ({ id: r.id, phone_1: r.phone_1, email_1: null })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(await dest(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%stage%'`)).toEqual([]);

    const history = await api().get(`/v1/connect/connections/${connectionId}/runs`).set(auth());
    expect(history.status).toBe(200);
    expect(history.body.meta).toMatchObject({ total: 2, hasMore: false });
    expect(history.body.results.map((r: any) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });

  it('incremental dedup and append carry changes and deletions; a destination in use cannot be deleted', async () => {
    const dedupId = await createConnection({
      namespace: 'incremental',
      streams: [{ name: 'residents', sync_mode: 'incremental_dedup' }],
    });
    const appendId = await createConnection({
      namespace: 'incremental',
      stream_prefix: 'log_',
      streams: [{ name: 'residents', sync_mode: 'incremental_append' }],
    });
    await syncAndWait(dedupId);
    await syncAndWait(appendId);
    expect((await dest('SELECT count(*)::int AS n FROM "incremental"."residents"'))[0].n).toBe(RESIDENTS);
    expect((await dest('SELECT count(*)::int AS n FROM "incremental"."log_residents"'))[0].n).toBe(RESIDENTS);

    const tenants: any[] = (await control()('GET', 'tenants')).slice(0, 6);
    const renamed = tenants.slice(0, 5);
    for (const [i, t] of renamed.entries())
      await control()('PATCH', `tenants/${t.Id}`, { FirstName: `Warehoused${i}` });
    await control()('DELETE', `tenants/${tenants[5].Id}`);
    await manualSync(harness, integrationId);

    const cache = await source('residents', 'id, updated_at, deleted_at, first_name');
    const changed = cache.filter((r) => r.first_name?.startsWith('Warehoused') || r.deleted_at !== null);
    expect(changed).toHaveLength(6);
    const deleted = cache.find((r) => r.deleted_at !== null)!;

    await syncAndWait(dedupId);
    const dedup = await dest(
      'SELECT id, first_name, updated_at, deleted_at FROM "incremental"."residents" ORDER BY id',
    );
    expect(dedup.map((r) => r.id)).toEqual(cache.map((r) => r.id));
    expect(new Set(dedup.map((r) => r.id)).size).toBe(dedup.length);
    expect(
      dedup.map((r) => ({ id: r.id, first_name: r.first_name, deleted_at: r.deleted_at?.toISOString() ?? null })),
    ).toEqual(
      cache.map((r) => ({ id: r.id, first_name: r.first_name, deleted_at: r.deleted_at?.toISOString() ?? null })),
    );
    expect(dedup.find((r) => r.id === deleted.id)!.deleted_at).not.toBeNull();

    await syncAndWait(appendId);
    const appended = await dest(
      'SELECT id, first_name, deleted_at FROM "incremental"."log_residents" ORDER BY _latchkey_synced_at DESC, id LIMIT 6',
    );
    expect((await dest('SELECT count(*)::int AS n FROM "incremental"."log_residents"'))[0].n).toBe(
      RESIDENTS + changed.length,
    );
    expect(appended.map((r) => r.id).sort()).toEqual(changed.map((r) => r.id).sort());
    // Another run with nothing new appends nothing (the overlap re-read is not appended twice).
    await syncAndWait(appendId);
    expect((await dest('SELECT count(*)::int AS n FROM "incremental"."log_residents"'))[0].n).toBe(
      RESIDENTS + changed.length,
    );

    // A mode switch starts the stream over on its table, converted: append → dedup keeps the newest version of
    // each id under a key; dedup → append drops the key, so versions pile up again from then on.
    const switchMode = async (syncMode: string) => {
      const res = await api()
        .put(`/v1/connect/connections/${appendId}`)
        .set(auth())
        .send({ streams: [{ name: 'residents', sync_mode: syncMode }] });
      expect(res.status).toBe(200);
    };
    const logCount = async () => (await dest('SELECT count(*)::int AS n FROM "incremental"."log_residents"'))[0].n;
    const logKeys = async () =>
      (
        await dest(
          `SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = '"incremental"."log_residents"'::regclass AND contype = 'p'`,
        )
      )[0].n;
    await switchMode('incremental_dedup');
    await syncAndWait(appendId);
    const collapsed = await dest('SELECT id, first_name, deleted_at FROM "incremental"."log_residents" ORDER BY id');
    expect(collapsed.map((r) => ({ id: r.id, first_name: r.first_name, deleted: r.deleted_at !== null }))).toEqual(
      cache.map((r) => ({ id: r.id, first_name: r.first_name, deleted: r.deleted_at !== null })),
    );
    expect(await logKeys()).toBe(1);

    await switchMode('incremental_append');
    await syncAndWait(appendId);
    expect(await logKeys()).toBe(0);
    expect(await logCount()).toBe(RESIDENTS); // starting over adds no version the table holds
    await control()('PATCH', `tenants/${tenants[0].Id}`, { FirstName: 'Versioned' });
    await manualSync(harness, integrationId);
    await syncAndWait(appendId);
    expect(await logCount()).toBe(RESIDENTS + 1);

    const deleteInUse = await api().delete(`/v1/connect/destinations/${destinationId}`).set(auth());
    expect(deleteInUse.status).toBe(409);
    expect(deleteInUse.body.error.code).toBe('conflict');
  });

  it('survives a destination outage mid-run: retried, resumed, exactly the source rows', async () => {
    const throughProxy = await createDestination('flaky', urlWith({ port: proxy.port }));
    const connectionId = await createConnection({
      destination_id: throughProxy,
      namespace: 'outage',
      streams: [
        { name: 'residents', sync_mode: 'full_refresh_overwrite' },
        { name: 'leases', sync_mode: 'incremental_dedup' },
      ],
    });
    const runId = await requestSync(connectionId);
    // Cut once the run has committed some pages, then bring the destination back.
    await waitFor(
      async () => {
        const run = await getRun(connectionId, runId);
        return run.streams.some((s: any) => s.records >= 80) ? run : undefined;
      },
      'some committed pages',
      60_000,
      () => getRun(connectionId, runId),
    );
    proxy.cut();
    await new Promise((r) => setTimeout(r, 1500));
    proxy.restore();
    const run = await waitForRun(connectionId, runId);
    expect({ status: run.status, error: run.error }).toEqual({ status: 'SUCCEEDED', error: null });
    expect(run.attempts).toBeGreaterThan(1);

    for (const [table, stream] of [
      ['residents', 'residents'],
      ['leases', 'leases'],
    ]) {
      const expected = (await source(stream)).map((r) => ({ id: r.id, updated_at: r.updated_at.toISOString() }));
      const rows = await dest(`SELECT id, updated_at FROM "outage"."${table}" ORDER BY id`);
      expect(rows.map((r) => ({ id: r.id, updated_at: r.updated_at.toISOString() }))).toEqual(expected);
    }
  });

  it('runs one at a time: a cron time and a request during a run queue exactly one run, which starts after it', async () => {
    // A slow link to the destination, so the first run is still running when the scheduler ticks (every 5 s).
    const slowLink = await startTcpProxy(Number(new URL(destinationUrl).port), { latencyMs: 60 });
    const throughProxy = await createDestination('slow', urlWith({ port: slowLink.port }));
    const connectionId = await createConnection({
      destination_id: throughProxy,
      namespace: 'serial',
      schedule: { type: 'cron', cron: '0 3 * * *' },
      streams: [{ name: 'residents', sync_mode: 'full_refresh_overwrite' }],
    });
    const connection = (await api().get(`/v1/connect/connections/${connectionId}`).set(auth())).body.results;
    expect(connection.schedule).toEqual({ type: 'cron', cron: '0 3 * * *' });
    expect(connection.next_run_at).toMatch(/T03:00:00\.000Z$/);

    const first = await requestSync(connectionId);
    expect((await getRun(connectionId, first)).status).toBe('RUNNING');
    // The cron time comes due during the run: the scheduler (on the worker) queues a run behind it.
    await withClient(harness.databaseUrl, (db) =>
      db.query(`UPDATE connect_connections SET next_run_at = now() - interval '1 second' WHERE id = $1`, [
        connectionId,
      ]),
    );
    const queued = await waitFor(
      async () => {
        const runs = (await api().get(`/v1/connect/connections/${connectionId}/runs`).set(auth())).body.results;
        return runs.find((r: any) => r.trigger === 'cron');
      },
      'the cron run',
      30_000,
    );
    expect(queued.status).toBe('QUEUED');
    // A manual request meanwhile joins the queued run rather than adding another.
    expect(await requestSync(connectionId)).toBe(queued.id);

    const firstDone = await waitForRun(connectionId, first);
    const secondDone = await waitForRun(connectionId, queued.id);
    expect([firstDone.status, secondDone.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(new Date(secondDone.started_at).getTime()).toBeGreaterThanOrEqual(new Date(firstDone.finished_at).getTime());
    const runs = (await api().get(`/v1/connect/connections/${connectionId}/runs`).set(auth())).body;
    expect(runs.meta.total).toBe(2);
    const after = (await api().get(`/v1/connect/connections/${connectionId}`).set(auth())).body.results;
    expect(after.next_run_at).toMatch(/T03:00:00\.000Z$/);
    await slowLink.close();
  });

  it('fails a run at once, with the error on the run, when the destination refuses it (no retry loop)', async () => {
    const role = `lk_revoked_${Date.now()}`;
    await dest(`CREATE ROLE ${role} LOGIN PASSWORD 'revoked-password'`);
    await dest(`GRANT CREATE ON DATABASE "${new URL(destinationUrl).pathname.slice(1)}" TO ${role}`);
    const revoked = await createDestination('revoked', urlWith({ username: role, password: 'revoked-password' }));
    const connectionId = await createConnection({
      destination_id: revoked,
      namespace: 'revoked',
      streams: [{ name: 'units', sync_mode: 'incremental_dedup' }],
    });
    await dest(`ALTER ROLE ${role} PASSWORD 'changed-since'`);
    const run = await waitForRun(connectionId, await requestSync(connectionId));
    expect(run).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(run.error).toMatch(/password authentication failed.*28P01/);
  });

  it("every column of every stream, links included, is the read API's value: COPY's special characters, cents that are not whole, a destination with other date settings", async () => {
    const [odd, negative] = await source('residents', 'id');
    const awkward = 'Tab\there, back\\slash, new\nline\r, "quoted", \\N, ünï 👍';
    const updateCache = (sql: string, params: unknown[]) =>
      withClient(harness.databaseUrl, (db) => db.query(sql, params));
    await updateCache(
      'UPDATE residents SET first_name = $2, balance_in_cents = 100.5, custom_data = $3 WHERE id = $1',
      [odd.id, awkward, { note: awkward, n: 1.25 }],
    );
    await updateCache('UPDATE residents SET balance_in_cents = -100.5, last_name = NULL WHERE id = $1', [negative.id]);
    // A link that ended is kept in the cache, hidden: the read API does not show it, so neither does the stream.
    const {
      rows: [hidden],
    } = await updateCache(
      `UPDATE residents_to_leases SET ended = true, deleted_at = now() WHERE id = (SELECT id FROM residents_to_leases WHERE integration_id = $1 ORDER BY id LIMIT 1) RETURNING id`,
      [integrationId],
    );
    // Day-first dates and a far time zone in the destination: what its COPY reads must not depend on them.
    const database = new URL(destinationUrl).pathname.slice(1);
    await dest(`ALTER DATABASE "${database}" SET datestyle = 'SQL, DMY'`);
    await dest(`ALTER DATABASE "${database}" SET timezone = 'Pacific/Chatham'`);
    try {
      const streams = ['properties', 'units', 'residents', 'leases'];
      await syncAndWait(
        await createConnection({
          namespace: 'exact',
          streams: [...streams, 'residents_to_leases'].map((name) => ({ name, sync_mode: 'full_refresh_overwrite' })),
        }),
      );
      for (const stream of streams) {
        const types = Object.fromEntries(
          (
            await dest<{ column_name: string; data_type: string }>(
              `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'exact' AND table_name = $1`,
              [stream],
            )
          ).map((c) => [c.column_name, c.data_type]),
        );
        // JSON, so that reading back does not depend on the destination's date style either.
        const rows = new Map(
          (await dest<{ row: Record<string, unknown> }>(`SELECT to_json(t) AS row FROM "exact"."${stream}" t`)).map(
            ({ row }) => [row.id, row],
          ),
        );
        expect(rows.size).toBe((await source(stream)).length);
        const records = await readAll(harness.app, stream, integrationId);
        expect(records.length).toBeGreaterThan(0);
        for (const record of records) {
          const row = rows.get(record.id)!;
          const expected: Record<string, unknown> = {};
          const actual: Record<string, unknown> = {};
          for (const [column, type] of Object.entries(types)) {
            if (column === '_latchkey_synced_at') continue;
            const value = record[column];
            expected[column] = type === 'bigint' && value !== null ? Math.round(value) : value;
            actual[column] =
              type === 'timestamp with time zone' && row[column] !== null
                ? new Date(row[column] as string).toISOString()
                : row[column];
          }
          expect(actual).toEqual(expected);
        }
      }
      // The links: one row per entry of the leases' residents_meta_data, with both sides' ids.
      const residents = new Map((await readAll(harness.app, 'residents', integrationId)).map((r) => [r.id, r]));
      const leases = await readAll(harness.app, 'leases', integrationId);
      const links = await dest<{ row: Record<string, any> }>(
        'SELECT to_json(t) AS row FROM "exact"."residents_to_leases" t ORDER BY id',
      );
      expect(Object.keys(links[0].row)).toEqual([
        'id',
        'created_at',
        'updated_at',
        'last_seen',
        'resident_id',
        'lease_id',
        'x_resident_id',
        'x_lease_id',
        'x_resident_type',
        'resident_type_normalized',
        'move_in_date',
        'move_out_date',
        'notice_date',
        'custom_data',
        'integration_id',
        '_latchkey_synced_at',
      ]);
      const asIso = (value: string | null) => (value === null ? null : new Date(value).toISOString());
      expect(
        links.map(({ row }) => ({
          id: row.id,
          lease_id: row.lease_id,
          x_lease_id: row.x_lease_id,
          resident_id: row.resident_id,
          x_resident_id: row.x_resident_id,
          x_resident_type: row.x_resident_type,
          resident_type_normalized: row.resident_type_normalized,
          move_in_date: asIso(row.move_in_date),
          move_out_date: asIso(row.move_out_date),
          notice_date: asIso(row.notice_date),
          custom_data: row.custom_data,
          integration_id: row.integration_id,
        })),
      ).toEqual(
        leases
          .flatMap((lease) =>
            lease.residents_meta_data.map((m: any) => ({
              id: `${lease.id}:${m.resident_id}`,
              lease_id: lease.id,
              x_lease_id: lease.x_id,
              resident_id: m.resident_id,
              x_resident_id: residents.get(m.resident_id)?.x_id,
              x_resident_type: m.x_resident_type,
              resident_type_normalized: m.resident_type_normalized,
              move_in_date: m.move_in_date,
              move_out_date: m.move_out_date,
              notice_date: m.notice_date,
              custom_data: m.custom_data,
              integration_id: integrationId,
            })),
          )
          .sort((x: any, y: any) => (x.id < y.id ? -1 : 1)),
      );
      expect(links.length).toBeGreaterThan(0);
      expect(links.map(({ row }) => row.id)).not.toContain(hidden.id);
      expect(residents.get(odd.id)).toMatchObject({
        first_name: awkward,
        balance_in_cents: 100.5,
        custom_data: { note: awkward, n: 1.25 },
      });
      const [oddRow] = await dest(
        'SELECT first_name, balance_in_cents, custom_data FROM "exact"."residents" WHERE id = $1',
        [odd.id],
      );
      expect(oddRow).toEqual({ first_name: awkward, balance_in_cents: '101', custom_data: { note: awkward, n: 1.25 } });
      expect(
        (await dest('SELECT balance_in_cents, last_name FROM "exact"."residents" WHERE id = $1', [negative.id]))[0],
      ).toEqual({ balance_in_cents: '-100', last_name: null });
    } finally {
      await dest(`ALTER DATABASE "${database}" RESET ALL`);
    }
  });

  it('refuses (409, naming it) a connection that would write a table another connection writes, even through another destination on the same database', async () => {
    const create = (body: Record<string, unknown>) =>
      api()
        .post('/v1/connect/connections')
        .set(auth())
        .send({
          name: 'clashing',
          integration_id: integrationId,
          destination_id: destinationId,
          schedule: { type: 'manual' },
          namespace: 'clash',
          ...body,
        });
    const expectClash = (res: request.Response, connectionId: string, table: string) => {
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 409, code: 'conflict' });
      expect(res.body.error.message).toContain(connectionId);
      expect(res.body.error.details).toEqual({ connection_id: connectionId, table });
    };
    const first = await createConnection({
      name: 'first',
      namespace: 'clash',
      streams: [{ name: 'residents', sync_mode: 'incremental_dedup' }],
    });
    expectClash(
      await create({
        streams: [
          { name: 'units', sync_mode: 'incremental_dedup' },
          { name: 'residents', sync_mode: 'incremental_append' },
        ],
      }),
      first,
      'clash.residents',
    );
    // The same database through another destination row: the same tables.
    const sameDatabase = await createDestination('same database', urlWith({}));
    expectClash(
      await create({
        destination_id: sameDatabase,
        streams: [{ name: 'residents', sync_mode: 'full_refresh_overwrite' }],
      }),
      first,
      'clash.residents',
    );
    // Names after the prefix: "residents_to_" + "leases" is the links stream's table.
    const links = await createConnection({
      name: 'links',
      namespace: 'clash',
      streams: [{ name: 'residents_to_leases', sync_mode: 'full_refresh_overwrite' }],
    });
    expectClash(
      await create({ stream_prefix: 'residents_to_', streams: [{ name: 'leases', sync_mode: 'incremental_dedup' }] }),
      links,
      'clash.residents_to_leases',
    );

    // Another prefix or namespace writes other tables.
    const second = await create({
      stream_prefix: 'b_',
      streams: [{ name: 'residents', sync_mode: 'incremental_dedup' }],
    });
    expect(second.status).toBe(201);
    expect(
      (await create({ namespace: 'clash_elsewhere', streams: [{ name: 'residents', sync_mode: 'incremental_dedup' }] }))
        .status,
    ).toBe(201);
    // An update that would move onto the first's table is refused and changes nothing; its own tables it keeps.
    const secondId = second.body.result.id;
    expectClash(
      await api().put(`/v1/connect/connections/${secondId}`).set(auth()).send({ stream_prefix: '' }),
      first,
      'clash.residents',
    );
    expect((await api().get(`/v1/connect/connections/${secondId}`).set(auth())).body.results.stream_prefix).toBe('b_');
    expect(
      (
        await api()
          .put(`/v1/connect/connections/${secondId}`)
          .set(auth())
          .send({ name: 'renamed', streams: [{ name: 'residents', sync_mode: 'incremental_append' }] })
      ).status,
    ).toBe(200);

    // Two requests at once for one table: one wins.
    const raced = await Promise.all(
      [1, 2].map(() =>
        create({ namespace: 'clash_race', streams: [{ name: 'units', sync_mode: 'incremental_dedup' }] }),
      ),
    );
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("drops a connection's tables on delete only when asked (drop_tables=true), and keeps the connection when it cannot", async () => {
    const tablesIn = async (schema: string) =>
      (
        await dest<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
          [schema],
        )
      ).map((r) => r.table_name);
    const streams = [
      { name: 'residents', sync_mode: 'full_refresh_overwrite' },
      { name: 'units', sync_mode: 'incremental_dedup' },
    ];

    const kept = await createConnection({ namespace: 'keep_tables', streams });
    await syncAndWait(kept);
    expect(
      (await api().delete(`/v1/connect/connections/${kept}`).query({ drop_tables: 'yes' }).set(auth())).status,
    ).toBe(400);
    expect((await api().delete(`/v1/connect/connections/${kept}`).set(auth())).body).toEqual({ success: true });
    expect(await tablesIn('keep_tables')).toEqual(['residents', 'units']); // off by default

    const dropped = await createConnection({ namespace: 'drop_tables', stream_prefix: 'lk_', streams });
    await syncAndWait(dropped);
    await dest('CREATE TABLE "drop_tables"."not_ours" (id int)');
    await dest('CREATE TABLE "drop_tables"."lk_units_lk_stage" (id int)'); // a staging table a full refresh left behind
    // A run in progress would write the tables again: refused until it has ended.
    await withClient(harness.databaseUrl, (db) =>
      db.query(
        `INSERT INTO connect_runs (id, organization_id, connection_id, status, trigger) SELECT 'run-in-flight', organization_id, id, 'RUNNING', 'manual' FROM connect_connections WHERE id = $1`,
        [dropped],
      ),
    );
    const busy = await api().delete(`/v1/connect/connections/${dropped}`).query({ drop_tables: 'true' }).set(auth());
    expect({ status: busy.status, code: busy.body.error?.code, run: busy.body.error?.details?.run_id }).toEqual({
      status: 409,
      code: 'conflict',
      run: 'run-in-flight',
    });
    await withClient(harness.databaseUrl, (db) =>
      db.query(`UPDATE connect_runs SET status = 'SUCCEEDED' WHERE id = 'run-in-flight'`),
    );
    expect(await tablesIn('drop_tables')).toEqual(['lk_residents', 'lk_units', 'lk_units_lk_stage', 'not_ours']);
    const gone = await api().delete(`/v1/connect/connections/${dropped}`).query({ drop_tables: 'true' }).set(auth());
    expect({ status: gone.status, body: gone.body }).toEqual({ status: 200, body: { success: true } });
    expect(await tablesIn('drop_tables')).toEqual(['not_ours']);
    expect((await api().get(`/v1/connect/connections/${dropped}`).set(auth())).status).toBe(404);

    // The destination unreachable: 503 saying so, and the connection stays.
    const link = await startTcpProxy(Number(new URL(destinationUrl).port));
    try {
      const throughLink = await createDestination('cut link', urlWith({ port: link.port }));
      const unreachable = await createConnection({
        destination_id: throughLink,
        namespace: 'unreachable',
        streams: [{ name: 'units', sync_mode: 'incremental_dedup' }],
      });
      await syncAndWait(unreachable);
      link.cut();
      const refused = await api()
        .delete(`/v1/connect/connections/${unreachable}`)
        .query({ drop_tables: 'true' })
        .set(auth());
      expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
        status: 503,
        code: 'service_unavailable',
      });
      expect(refused.body.error.message).toMatch(
        new RegExp(
          `Could not drop the tables of connection ${unreachable} in "unreachable" \\(.*unreachable.*\\); the connection was not deleted`,
        ),
      );
      expect((await api().get(`/v1/connect/connections/${unreachable}`).set(auth())).status).toBe(200);
      link.restore();
      expect(
        (await api().delete(`/v1/connect/connections/${unreachable}`).query({ drop_tables: 'true' }).set(auth()))
          .status,
      ).toBe(200);
      expect(await tablesIn('unreachable')).toEqual([]);
    } finally {
      await link.close();
    }

    // The destination refuses (its user does not own the table): 409 with the destination's reason, the connection stays.
    await dest('CREATE SCHEMA "not_theirs"');
    await dest('CREATE TABLE "not_theirs"."units" (id text)');
    const foreignTable = await createConnection({
      namespace: 'not_theirs',
      streams: [{ name: 'units', sync_mode: 'incremental_dedup' }],
    });
    const denied = await api()
      .delete(`/v1/connect/connections/${foreignTable}`)
      .query({ drop_tables: 'true' })
      .set(auth());
    expect({ status: denied.status, code: denied.body.error?.code }).toEqual({ status: 409, code: 'conflict' });
    expect(denied.body.error.message).toMatch(/permission denied|must be owner/);
    expect((await api().get(`/v1/connect/connections/${foreignTable}`).set(auth())).status).toBe(200);
    expect(await tablesIn('not_theirs')).toEqual(['units']);
  });
});
