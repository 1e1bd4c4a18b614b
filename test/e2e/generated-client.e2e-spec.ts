import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import createClient, { type Middleware } from 'openapi-fetch';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { OUTPUT_DIR, startApp, waitFor, type AppProcess } from '../support/app-process';
import { SAMPLE_RECORDS, seedCacheRecords } from '../support/cache-seed';
import { createTestDatabase, pipelineState } from '../support/database';
import { assertValidResponse, referenceDocument } from '../support/propexo-schema';
// Generated from docs/reference/propexo-openapi.yml by scripts/propexo-client-types.js (beforeAll), git-ignored.
import type { paths } from '../generated/propexo-api';

const ROOT = path.resolve(__dirname, '../..');
const CREDENTIALS = { clientId: 'generated-client', secret: 'generated-secret' };
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

type Json = Record<string, any>;
/** The query a spec path's GET takes, as the generated types spell it. */
type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;
/** A GET's query, and the record that must (or, with `none`, no record that may) be among its results. */
interface Probe<P extends keyof paths> {
  query: Query<P>;
  includes?: string;
  none?: true;
}

/** Every answer the client got: operation (the spec's path), query parameters sent, status. */
interface Exchange {
  operation: string;
  query: Record<string, unknown>;
  status: number;
}

/** Runs `scripts/propexo-client-types.js`: the spec's types, as a client generated from it has them. */
function generateTypes(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/propexo-client-types.js')], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * A client of Propexo's API made as a user would make one: openapi-typescript types from Propexo's public spec,
 * an openapi-fetch client typed by them. Drives the real app (a child process, a Buildium sandbox synced into it)
 * through every spec operation Latchkey serves, with every query parameter the spec documents for it, and
 * validates every answer (its status too) against the spec's response schema. `tsc` proves the calls type-check.
 */
describe("a client generated from Propexo's spec", () => {
  let app: AppProcess;
  let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  let databaseUrl: string;
  let client: ReturnType<typeof createClient<paths>>;
  const exchanges: Exchange[] = [];

  /** Records each exchange and validates its answer against the spec's schema for its operation and status. */
  const validating: Middleware = {
    async onResponse({ request, response, schemaPath, params }) {
      const operation = `${request.method} ${schemaPath}`;
      const query = Object.fromEntries(Object.entries(params.query ?? {}).filter(([, v]) => v !== undefined));
      exchanges.push({ operation, query, status: response.status });
      const body = await response
        .clone()
        .json()
        .catch(() => `not JSON: ${response.headers.get('content-type')}`);
      try {
        assertValidResponse(request.method, schemaPath, response.status, body);
      } catch (error) {
        throw new Error(`${operation} ${JSON.stringify(query)}: ${(error as Error).message}`, { cause: error });
      }
      return undefined;
    },
  };

  /** The call answered 200 (the spec's success status everywhere); its typed data. */
  async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    const { data, error, response } = await call;
    expect([response.url, response.status, error ?? null]).toEqual([response.url, 200, null]);
    return data as T;
  }

  /** The call answered 400 invalid_request naming `field`. */
  async function refused(call: Promise<{ error?: unknown; response: Response }>, field: string): Promise<void> {
    const { error, response } = await call;
    const body = error as { error?: { code?: string; details?: { fields?: Record<string, unknown> } } } | undefined;
    expect([response.url, response.status, body?.error?.code, Object.keys(body?.error?.details?.fields ?? {})]).toEqual(
      [response.url, 400, 'invalid_request', [field]],
    );
  }

  const control = async (method: string, controlPath: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/_control/${controlPath}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
  };

  beforeAll(async () => {
    generateTypes();
    sandbox = await startBuildiumSandboxServer({ residents: 24, seed: 18, credentials: [CREDENTIALS] });
    app = await startApp({
      name: 'generated-client',
      env: { DATABASE_URL: (databaseUrl = await createTestDatabase()) },
    });
    client = createClient<paths>({ baseUrl: app.url, headers: { authorization: `Bearer ${app.apiKey}` } });
    client.use(validating);
  });

  afterAll(async () => {
    await app?.stop();
    await sandbox?.close();
  });

  it('type-checks: every call below compiles against the types generated from the spec (tsc)', async () => {
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    const tsconfig = path.join(OUTPUT_DIR, 'generated-client.tsconfig.json');
    fs.writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.json'),
        compilerOptions: { noEmit: true },
        include: [],
        files: [__filename],
      }),
    );
    let output = '';
    try {
      // Asynchronously: a blocked event loop keeps the HTTP client from retiring its idle keep-alive sockets,
      // and the next test's first request then meets one the app has closed ("other side closed").
      await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });

  it('drives every operation Latchkey serves with every parameter the spec documents, each answer as the spec says', async () => {
    // Webhooks: one inactive with every body field, one active (on a trigger that never fires here).
    const hookBody = {
      url: 'http://127.0.0.1:9/hook',
      triggers: ['DATA_NEW', 'DATA_UPDATE'] as ('DATA_NEW' | 'DATA_UPDATE')[],
      active: false,
      secret: 'generated-client-secret',
      model: 'residents' as const,
      headers: [{ header: 'x-tenant', value: 'acme' }],
    };
    const inactive = (await ok(client.POST('/v1/webhooks/', { body: hookBody }))).result;
    const active = (
      await ok(
        client.POST('/v1/webhooks/', {
          body: { url: 'http://127.0.0.1:9/other', triggers: ['WRITE_OPERATION_FAILURE'], active: true },
        }),
      )
    ).result;
    expect([inactive?.active, active?.active]).toEqual([false, true]);
    const webhookIds = async (query: Query<'/v1/webhooks/'>) =>
      (await ok(client.GET('/v1/webhooks/', { params: { query } }))).results?.map((w) => w.id);
    expect(await webhookIds({ active: true })).toEqual([active.id]);
    expect(await webhookIds({ active: false })).toEqual([inactive.id]);
    expect(await webhookIds({ 'order-by': 'created_at:asc', offset: 0, limit: 250, active: null })).toEqual([
      active.id,
    ]); // null: the spec's default, true
    expect(await webhookIds({ 'order-by': 'created_at:desc', offset: 1, limit: 1, active: true })).toEqual([]);
    const hooksCounted = await ok(client.GET('/v1/webhooks/', { params: { query: { limit: 0, active: true } } }));
    expect([hooksCounted.results, hooksCounted.meta?.total, hooksCounted.meta?.limit]).toEqual([[], 1, 0]);
    const hook = await ok(
      client.GET('/v1/webhooks/{webhook_id}', {
        params: { path: { webhook_id: inactive.id }, query: { 'order-by': 'created_at:desc', offset: 0, limit: 0 } },
      }),
    );
    expect(hook.results?.id).toBe(inactive.id);
    const updated = await ok(
      client.PUT('/v1/webhooks/{webhook_id}', {
        params: { path: { webhook_id: inactive.id } },
        body: { ...hookBody, triggers: ['SYNC_COMPLETE', 'DATA_NEW'] },
      }),
    );
    expect(updated.result?.triggers?.map((t) => t.trigger).sort()).toEqual(['DATA_NEW', 'SYNC_COMPLETE']);

    // An integration with the spec's body, its first sync on the Buildium sandbox.
    const created = (
      await ok(
        client.POST('/v1/admin/integrations/', {
          body: {
            name: 'Generated client',
            integration_vendor: 'BUILDIUM',
            credentials: CREDENTIALS,
            base_url: sandbox.url,
            active: true,
            sync_frequency: 12,
            sync_cadence: 'HOUR',
            max_request_frequency: 100,
            max_request_cadence: 'SECOND',
            max_job_concurrency: 2,
            new_properties_are_enabled: true,
            // The spec gives these defaults, which openapi-typescript makes required: the client always sends them.
            allow_manual_syncs: true,
            use_custom_sync_schedule: false,
          },
        }),
      )
    ).result;
    const integration_id = created.id;
    const integration = (query: Query<'/v1/admin/integrations/{integration_id}/'> = {}) =>
      ok(client.GET('/v1/admin/integrations/{integration_id}/', { params: { path: { integration_id }, query } }));
    /** Waits until the integration has finished a sync after `since` (null: any). */
    const synced = (since: string | null) =>
      waitFor(
        async () => {
          const { results } = await integration();
          return results?.last_completed_sync && results.last_completed_sync !== since && !results.is_running_sync
            ? results.last_completed_sync
            : undefined;
        },
        'the sync to complete',
        90_000,
        () => pipelineState(databaseUrl),
      );
    const firstSync = await synced(null);
    expect((await integration({ 'order-by': 'created_at:desc', offset: 0, limit: 1 })).results?.name).toBe(
      'Generated client',
    );
    expect((await integration({ limit: 0 })).results?.id).toBe(integration_id); // one object: nothing to page

    // A later sync with changes, so the data diffs have some.
    const tenants = sandbox.sandbox.data.tenants;
    await control('PATCH', `tenants/${tenants[0].Id}`, { FirstName: 'Renamed' });
    await control('POST', 'mutate', { units: 2 });
    const manual = await ok(
      client.POST('/v1/admin/integrations/{integration_id}/manual-sync', {
        params: { path: { integration_id } },
        body: { models_to_sync: ['properties', 'units', 'residents', 'leases'], sync_config_id: 'default' },
      }),
    );
    expect(manual.result?.success).toBe(true);
    await synced(firstSync);

    // Admin reads.
    const integrationIds = async (query: Query<'/v1/admin/integrations/'>) =>
      (await ok(client.GET('/v1/admin/integrations/', { params: { query } }))).results?.map((i) => i.id);
    expect(
      await integrationIds({
        'order-by': 'created_at:asc',
        offset: 0,
        limit: 10,
        integration_vendor: 'BUILDIUM',
        is_archived: false,
      }),
    ).toEqual([integration_id]);
    expect(await integrationIds({ limit: 0 })).toEqual([]);
    expect(
      (
        await ok(
          client.PUT('/v1/admin/integrations/{integration_id}/', {
            params: { path: { integration_id } },
            body: {
              name: 'Generated client (renamed)',
              sync_frequency: 6,
              sync_cadence: 'HOUR',
              max_request_frequency: 100,
              max_request_cadence: 'SECOND',
              max_job_concurrency: 2,
              allow_manual_syncs: true,
            },
          }),
        )
      ).result?.name,
    ).toBe('Generated client (renamed)');
    expect(
      (
        await ok(
          client.POST('/v1/admin/integrations/{integration_id}/data-access', {
            params: { path: { integration_id } },
            body: {},
          }),
        )
      ).result,
    ).toBeDefined();
    expect(
      (
        await ok(
          client.GET('/v1/admin/integrations/{integration_id}/data-access', { params: { path: { integration_id } } }),
        )
      ).result,
    ).toBeDefined();
    const schedules = await ok(
      client.GET('/v1/admin/integrations/{integration_id}/job-schedules/', {
        params: { path: { integration_id }, query: { 'order-by': 'created_at:desc', offset: 0, limit: 5 } },
      }),
    );
    const job_schedule_id = schedules.results[0].id;
    expect(
      (
        await ok(
          client.GET('/v1/admin/integrations/{integration_id}/job-schedules/', {
            params: { path: { integration_id }, query: { limit: 0 } },
          }),
        )
      ).results,
    ).toEqual([]);
    const schedule = await ok(
      client.GET('/v1/admin/integrations/{integration_id}/job-schedules/{job_schedule_id}/', {
        params: {
          path: { integration_id, job_schedule_id },
          query: { 'order-by': 'created_at:desc', offset: 0, limit: 0 },
        },
      }),
    );
    expect(schedule.results?.id).toBe(job_schedule_id);
    await ok(
      client.GET('/v1/admin/integrations/{integration_id}/rate-limits/', {
        params: { path: { integration_id }, query: { 'order-by': 'updated_at:desc', offset: 0, limit: 0 } },
      }),
    );

    const logs = await ok(
      client.GET('/v1/admin/logs/jobs/', {
        params: {
          query: {
            status: 'SUCCESS',
            integration_id,
            job_type: 'FIRST_SYNC',
            'order-by': 'created_at:asc',
            offset: 0,
            limit: 10,
          },
        },
      }),
    );
    expect(logs.results?.length).toBe(1);
    expect(
      (await ok(client.GET('/v1/admin/logs/jobs/', { params: { query: { limit: 0, integration_id } } }))).meta?.total,
    ).toBeGreaterThan(1);
    const runId = logs.results[0].id;
    const run = await ok(
      client.GET('/v1/admin/logs/jobs/{id}', {
        params: {
          path: { id: runId },
          query: { include_all_jobs: 'true', 'order-by': 'created_at:asc', offset: 0, limit: 250 },
        },
      }),
    );
    expect(run.results.length).toBeGreaterThan(1);
    expect(
      (
        await ok(
          client.GET('/v1/admin/logs/jobs/{id}', {
            params: { path: { id: runId }, query: { include_all_jobs: 'false', limit: 0 } },
          }),
        )
      ).meta?.total,
    ).toBe(1);

    // Data diffs: `before` / `after` are timestamps; any ISO 8601 spelling of one, or a date, is taken.
    const diffIds = async (query: Query<'/v1/admin/data-diffs/'>) =>
      (await ok(client.GET('/v1/admin/data-diffs/', { params: { query } }))).results?.map((d) => d.id).sort();
    const allDiffs = await diffIds({
      integration_id,
      integration_vendor: 'BUILDIUM',
      'order-by': 'created_at:desc',
      offset: 0,
      limit: 250,
    });
    expect(allDiffs.length).toBeGreaterThan(2);
    const counted = await ok(client.GET('/v1/admin/data-diffs/', { params: { query: { integration_id, limit: 0 } } }));
    expect([counted.results, counted.meta?.total, counted.meta?.hasMore]).toEqual([[], allDiffs.length, true]);
    const hourAgo = new Date(Date.now() - 3_600_000);
    const inAnHour = new Date(Date.now() + 3_600_000);
    const plusTwo = (d: Date) => `${new Date(d.getTime() + 7_200_000).toISOString().slice(0, 19)}+02:00`;
    for (const [after, before] of [
      [hourAgo.toISOString(), inAnHour.toISOString()], // UTC, milliseconds
      [plusTwo(hourAgo), plusTwo(inAnHour)], // an offset, seconds
      [`${hourAgo.toISOString().slice(0, 19)}.123456Z`, `${inAnHour.toISOString().slice(0, 16)}Z`], // microseconds; no seconds
      ['2000-01-01', '2999-12-31'], // dates
    ]) {
      expect([after, before, await diffIds({ integration_id, after, before })]).toEqual([after, before, allDiffs]);
    }
    expect(await diffIds({ integration_id, before: hourAgo.toISOString() })).toEqual([]);
    expect(await diffIds({ integration_id, after: null, before: null })).toEqual(allDiffs);
    await refused(client.GET('/v1/admin/data-diffs/', { params: { query: { before: 'yesterday' } } }), 'before');
    await refused(
      client.GET('/v1/admin/data-diffs/', { params: { query: { after: '2026-02-30T00:00:00Z' } } }),
      'after',
    );

    // Data: lists with each filter the spec documents (the record it names among the results), paging, order-by; get by id.
    const everything = { integration_id, limit: 250, 'order-by': 'x_id:asc' };
    const properties = (await ok(client.GET('/v1/properties/', { params: { query: everything } }))).results;
    const units = (await ok(client.GET('/v1/units/', { params: { query: everything } }))).results;
    const residents = (await ok(client.GET('/v1/residents/', { params: { query: everything } }))).results;
    const leases = (await ok(client.GET('/v1/leases/', { params: { query: everything } }))).results;
    for (const records of [properties, units, residents, leases]) expect(records.length).toBeGreaterThan(0);
    const property = properties[0];
    const unit = units.find((u) => u.number)!;
    const resident = residents.find(
      (r) => r.phone_1 && /^[2-9]\d{9}$/.test(r.phone_1) && r.email_1 && r.leases_meta_data?.length,
    )!;
    const lease = leases.find(
      (l) => l.unit_number && l.status_raw && l.residents_meta_data?.some((m) => m.move_in_date),
    )!;
    expect([unit, resident, lease].every(Boolean)).toBe(true);
    const moveIn = lease.residents_meta_data!.find((m) => m.move_in_date)!.move_in_date!.slice(0, 10);
    const dayBefore = (day: string, days: number) =>
      new Date(Date.parse(day) - days * 86_400_000).toISOString().slice(0, 10);
    const paging = { 'order-by': 'updated_at:desc,x_id:asc', offset: 1, limit: 2 };

    await probe('/v1/properties/', [
      { query: { x_id: property.x_id, integration_id }, includes: property.id },
      { query: { x_property_id: property.x_property_id, integration_id }, includes: property.id },
      { query: { location_id: 'rent-manager-only' }, none: true },
      { query: { integration_id }, includes: property.id },
      { query: { integration_vendor: 'BUILDIUM' }, includes: property.id },
      {
        query: { is_active: property.is_active ?? true, integration_id },
        includes: property.is_active === null ? undefined : property.id,
      },
      { query: paging },
      { query: { limit: 0 }, none: true },
    ]);
    await probe('/v1/units/', [
      { query: { x_id: unit.x_id, integration_id }, includes: unit.id },
      { query: { x_property_id: unit.x_property_id, integration_id }, includes: unit.id },
      { query: { location_id: 'rent-manager-only' }, none: true },
      { query: { property_id: unit.property_id }, includes: unit.id },
      { query: { integration_id, integration_vendor: 'BUILDIUM' }, includes: unit.id },
      { query: { unit_number: unit.number!, property_id: unit.property_id }, includes: unit.id },
      { query: paging },
      { query: { limit: 0 }, none: true },
    ]);
    await probe('/v1/residents/', [
      { query: { x_id: resident.x_id, integration_id }, includes: resident.id },
      // Residents do not show x_property_id (the spec's output has none); their property's x_id is it.
      {
        query: {
          x_property_id: properties.find((candidate) => candidate.id === resident.property_id)!.x_id,
          integration_id,
        },
        includes: resident.id,
      },
      { query: { location_id: 'rent-manager-only' }, none: true },
      { query: { property_id: resident.property_id }, includes: resident.id },
      { query: { lease_id: resident.leases_meta_data![0].lease_id }, includes: resident.id },
      { query: { integration_id, integration_vendor: 'BUILDIUM' }, includes: resident.id },
      { query: { email_1: resident.email_1! }, includes: resident.id },
      { query: { phone_1: resident.phone_1! }, includes: resident.id },
      { query: paging },
      { query: { limit: 0 }, none: true },
    ]);
    await probe('/v1/leases/', [
      { query: { x_id: lease.x_id, integration_id }, includes: lease.id },
      { query: { x_property_id: lease.x_property_id, integration_id }, includes: lease.id },
      { query: { x_unit_id: lease.x_unit_id!, integration_id }, includes: lease.id },
      { query: { location_id: 'rent-manager-only' }, none: true },
      { query: { unit_id: lease.unit_id! }, includes: lease.id },
      { query: { resident_id: lease.residents_meta_data![0].resident_id }, includes: lease.id },
      { query: { property_id: lease.property_id }, includes: lease.id },
      { query: { integration_id, integration_vendor: 'BUILDIUM' }, includes: lease.id },
      {
        query: { after_move_in_date: dayBefore(moveIn, 1), before_move_in_date: dayBefore(moveIn, -1) },
        includes: lease.id,
      },
      { query: { after_move_out_date: '1900-01-01', before_move_out_date: '2999-12-31' } },
      { query: { only_null_move_outs: true } },
      { query: { only_null_move_outs: false }, includes: lease.id },
      { query: { status_normalized: lease.status_normalized!, status_raw: lease.status_raw! }, includes: lease.id },
      { query: { unit_number: lease.unit_number!, property_id: lease.property_id }, includes: lease.id },
      { query: paging },
      { query: { limit: 0 }, none: true },
    ]);
    // A record by id with the spec's order-by, offset and limit (limit=0 too).
    const byId = { 'order-by': 'created_at:desc', offset: 0, limit: 0 };
    expect(
      (await ok(client.GET('/v1/properties/{id}', { params: { path: { id: property.id }, query: byId } }))).results?.id,
    ).toBe(property.id);
    expect(
      (await ok(client.GET('/v1/units/{id}', { params: { path: { id: unit.id }, query: byId } }))).results?.id,
    ).toBe(unit.id);
    expect(
      (await ok(client.GET('/v1/residents/{id}', { params: { path: { id: resident.id }, query: byId } }))).results?.id,
    ).toBe(resident.id);
    expect(
      (await ok(client.GET('/v1/leases/{lease_id}', { params: { path: { lease_id: lease.id }, query: byId } }))).results
        ?.id,
    ).toBe(lease.id);
    expect(
      (
        await ok(
          client.GET('/v1/leases/{lease_id}', {
            params: { path: { lease_id: lease.id }, query: { offset: 3, limit: 250 } },
          }),
        )
      ).results?.id,
    ).toBe(lease.id);

    // Service requests, resident charges and payments (issue 21): beside the synced ones, records with what the
    // sandbox's data lacks (history, named employees, allocations, amounts past int4) are cached as a sync would
    // cache them (test/support/cache-seed.ts); each list filter the spec documents, and by id.
    for (const model of ['service_requests', 'resident_charges', 'resident_payments'] as const)
      await seedCacheRecords(databaseUrl, integration_id, model, SAMPLE_RECORDS[model]!(integration_id, property));
    const requests = (await ok(client.GET('/v1/service-requests/', { params: { query: everything } }))).results;
    const charges = (await ok(client.GET('/v1/resident-charges/', { params: { query: everything } }))).results;
    const payments = (await ok(client.GET('/v1/resident-payments/', { params: { query: everything } }))).results;
    const request = requests.find((r) => r.x_id === 'SR-1')!;
    const charge = charges.find((c) => c.x_id === 'C-1')!;
    const payment = payments.find((p) => p.x_id === 'P-1')!;
    // Money exactly in cents, past int4 and a double's fractions; the embedded arrays as cached.
    expect([charge.amount_in_cents, charge.amount_open_in_cents, payment.amount_in_cents]).toEqual([
      30,
      Number.MAX_SAFE_INTEGER,
      30,
    ]);
    expect(charges.find((c) => c.x_id === 'C-2')?.amount_in_cents).toBe(-12_345);
    expect([request.vendors, request.history.length, request.employees[0].name]).toEqual([
      [{ vendor_id: 'V-7' }],
      1,
      'Pat Doe',
    ]);
    expect(charge.allocations[0].resident_payment_id).toBe(payment.id);
    expect(requests.find((r) => r.x_id === 'SR-2')).toMatchObject({ vendors: [], history: [], employees: [] });
    await probe('/v1/service-requests/', [
      { query: { x_id: request.x_id, integration_id }, includes: request.id },
      { query: { location_id: 'rent-manager-only' }, none: true },
      { query: { unit_id: 'no-such-unit' }, none: true },
      { query: { employee_id: request.employee_id!, integration_vendor: 'BUILDIUM' }, includes: request.id },
      { query: { vendor_id: 'V-7', integration_id }, includes: request.id },
      { query: { vendor_id: 'V-8', integration_id }, none: true },
      { query: { property_id: request.property_id, unit_number: request.unit_number! }, includes: request.id },
      { query: paging },
      { query: { limit: 0 }, none: true },
    ]);
    for (const [p, record] of [
      ['/v1/resident-charges/', charge],
      ['/v1/resident-payments/', payment],
    ] as const) {
      await probe(p, [
        { query: { property_id: record.property_id, integration_id }, includes: record.id },
        { query: { integration_vendor: 'BUILDIUM' }, includes: record.id },
        { query: { resident_id: record.resident_id!, lease_id: record.lease_id! }, includes: record.id },
        { query: { resident_id: 'no-such-resident' }, none: true },
        // Inclusive at both ends; a day alone is its midnight (UTC).
        { query: { transaction_date_start: '2026-11-01', transaction_date_end: '2026-11-01' }, includes: record.id },
        // (Synced transactions are dated at midnight too: none falls inside this day after its first millisecond.)
        {
          query: {
            transaction_date_start: '2026-11-01T00:00:00.001Z',
            transaction_date_end: '2026-11-01T23:59:59Z',
            integration_id,
          },
          none: true,
        },
        { query: paging },
        { query: { limit: 0 }, none: true },
      ]);
    }
    expect(
      (
        await ok(
          client.GET('/v1/service-requests/{service_request_id}', {
            params: { path: { service_request_id: request.id }, query: byId },
          }),
        )
      ).results?.id,
    ).toBe(request.id);
    expect(
      (
        await ok(
          client.GET('/v1/resident-charges/{resident_charge_id}', {
            params: { path: { resident_charge_id: charge.id }, query: byId },
          }),
        )
      ).results?.amount_open_in_cents,
    ).toBe(Number.MAX_SAFE_INTEGER);
    expect(
      (
        await ok(
          client.GET('/v1/resident-payments/{resident_payment_id}', {
            params: { path: { resident_payment_id: payment.id }, query: byId },
          }),
        )
      ).results?.id,
    ).toBe(payment.id);

    // Writes (API.md §6): a resident created and updated at Buildium, each a job followed by its status.
    const settledWrite = (root_job_id: string) =>
      waitFor(
        async () => {
          const status = await ok(
            client.GET('/v1/admin/write-status/{root_job_id}', { params: { path: { root_job_id } } }),
          );
          return status.write_status === 'PENDING' ? undefined : status;
        },
        `write ${root_job_id}`,
        60_000,
      );
    const newResident = {
      integration_id,
      lease_id: lease.id,
      first_name: 'Generated',
      last_name: 'Client',
      email_1: 'generated.client@example.com',
      address_1: '1 Spec Street',
      country: 'US',
    };
    const createdWrite = await ok(client.POST('/v1/residents/', { body: newResident }));
    const createdStatus = await settledWrite(createdWrite.job_id);
    expect(createdStatus).toMatchObject({ write_status: 'SUCCESS', errors: [] });
    const updatedWrite = await ok(
      client.PUT('/v1/residents/{id}', {
        params: { path: { id: createdStatus.created_record_id! } },
        body: { notes: 'Updated by a generated client' },
      }),
    );
    expect((await settledWrite(updatedWrite.job_id)).write_status).toBe('SUCCESS');
    // A property, a unit on it and a lease on that unit, then an update of each (Buildium: GET, merge, PUT).
    const createdId = async (write: { job_id: string }) => {
      const status = await settledWrite(write.job_id);
      expect(status).toMatchObject({ write_status: 'SUCCESS', errors: [], created_record_id: expect.any(String) });
      return status.created_record_id!;
    };
    // A service request by the new resident on its lease, then an update; a charge and a payment on that lease
    // (Buildium writes them: models.md §3).
    const service_request_id = await createdId(
      await ok(
        client.POST('/v1/service-requests/', {
          body: {
            integration_id,
            lease_id: lease.id,
            resident_id: createdStatus.created_record_id!,
            service_description: 'Generated request',
          },
        }),
      ),
    );
    const requestUpdate = await ok(
      client.PUT('/v1/service-requests/{service_request_id}', {
        params: { path: { service_request_id } },
        body: { service_priority: 'Low' },
      }),
    );
    expect((await settledWrite(requestUpdate.job_id)).write_status).toBe('SUCCESS');
    const money = { integration_id, lease_id: lease.id, amount_in_cents: 2500, financial_account_id: '4100' };
    await createdId(await ok(client.POST('/v1/resident-charges/', { body: money })));
    await createdId(await ok(client.POST('/v1/resident-payments/', { body: { ...money, payment_type: 'Check' } })));
    const newProperty = {
      integration_id,
      name: 'Generated Court',
      address_1: '2 Spec Street',
      city: 'Bend',
      state: 'OR',
      zip: '97701',
      country: 'US',
      type: 'Townhouse' as const,
      year_built: 2010,
      // Buildium's operating bank account, a Latchkey extension the spec's type lacks: sent from a variable.
      x_operating_bank_account_id: '1',
    };
    const leaseListDefaults = {
      other_occupants: [],
      address_history: [],
      emergency_contacts: [],
      employment_history: [],
      other_income: [],
      vehicles: [],
      pets: [],
      concession_fees: [],
      application_fees: [],
    };
    const property_id = await createdId(await ok(client.POST('/v1/properties/', { body: newProperty })));
    const unit_id = await createdId(
      await ok(
        client.POST('/v1/units/', {
          // The spec requires its misspelt intgration_id too; Latchkey takes it and ignores it.
          body: {
            integration_id,
            intgration_id: integration_id,
            property_id,
            number: 'G-1',
            bedrooms: '1',
            bathrooms: '1',
          },
        }),
      ),
    );
    const lease_id = await createdId(
      await ok(
        client.POST('/v1/leases/', {
          // A generated client sends every field the spec gives a default ([] lists, false flags) unasked.
          body: {
            ...leaseListDefaults,
            send_welcome_email: false,
            resident_charges: [],
            recurring_resident_charges: [],
            integration_id,
            unit_id,
            type: 'AtWill',
            start_date: '2025-05-01',
            rent_cycle: 'Monthly',
            rent_amount_in_cents: 99_000,
            financial_account_id: '4010',
            rent_due_date: '2025-05-01',
          },
        }),
      ),
    );
    const updates = [
      await ok(
        client.PUT('/v1/properties/{id}', {
          params: { path: { id: property_id } },
          body: { integration_id, name: 'Generated Court II' },
        }),
      ),
      await ok(
        client.PUT('/v1/units/{id}', {
          params: { path: { id: unit_id } },
          body: { rent_amount_market_in_cents: 100_000 },
        }),
      ),
      await ok(
        client.PUT('/v1/leases/{lease_id}', {
          params: { path: { lease_id } },
          body: {
            ...leaseListDefaults,
            is_eviction_pending: false,
            automatically_move_out_residents: true,
            type: 'Fixed',
            end_date: '2099-04-30',
          },
        }),
      ),
    ];
    for (const update of updates) expect((await settledWrite(update.job_id)).write_status).toBe('SUCCESS');
    const writtenLease = await ok(client.GET('/v1/leases/{lease_id}', { params: { path: { lease_id } } }));
    expect(writtenLease.results).toMatchObject({ type: 'Fixed', rent_amount_in_cents: 99_000, unit_id });
    const atBuildium = sandbox.sandbox.data.leases.find((l) => String(l.Id) === writtenLease.results?.x_id);
    expect(atBuildium).toMatchObject({ LeaseToDate: '2099-04-30', AutomaticallyMoveOutTenants: true });
    // A write the vendor refuses ends FAILURE, and retry-write sends it again as a new job of the same root.
    sandbox.sandbox.faults.add({ path: '/v1/leases/tenants', method: 'POST', status: 422, times: 1 });
    const refusedWrite = await ok(client.POST('/v1/residents/', { body: { ...newResident, first_name: 'Refused' } }));
    expect((await settledWrite(refusedWrite.job_id)).write_status).toBe('FAILURE');
    const retried = await ok(
      client.POST('/v1/admin/retry-write/{root_job_id}', {
        params: { path: { root_job_id: refusedWrite.job_id } },
        body: {},
      }),
    );
    expect(retried.success).toBe(true);
    expect((await settledWrite(refusedWrite.job_id)).write_status).toBe('SUCCESS');
    const writeLogs = {
      limit: 100,
      offset: 0,
      time_range: 'day',
      integration_id,
      status: 'SUCCESS',
      write_category: 'residents',
    } as const;
    const writeLogRows =
      (await ok(client.GET('/v1/admin/logs/writes/', { params: { query: writeLogs } }))).results?.logs ?? [];
    expect(writeLogRows.map((l) => l.job_id)).toEqual([retried.job_id, updatedWrite.job_id, createdWrite.job_id]);
    expect(
      (await ok(client.GET('/v1/admin/logs/writes/', { params: { query: { ...writeLogs, limit: 0 } } }))).results?.logs,
    ).toEqual([]);
    const exchange = (await ok(
      client.GET('/v1/admin/job-logs/{job_log_id}/data', {
        params: { path: { job_log_id: writeLogRows[2].job_log_id! } },
      }),
    )) as { request?: { method?: string; path?: string } };
    expect(exchange.request).toMatchObject({ method: 'POST', path: '/v1/leases/tenants' });

    // Stricter on purpose, as Propexo's docs say (and our /openapi.json states): x_id needs integration_id, unit_number property_id.
    await refused(client.GET('/v1/leases/', { params: { query: { x_id: lease.x_id } } }), 'x_id');
    await refused(client.GET('/v1/units/', { params: { query: { unit_number: unit.number! } } }), 'unit_number');
    // An extension value is outside the spec's enum: a generated client must step outside its types to send one.
    // @ts-expect-error YARDI is a Latchkey extension value of integration_vendor (the spec redacts it as SAMPLE1)
    const yardi: Query<'/v1/properties/'> = { integration_vendor: 'YARDI' };
    expect((await ok(client.GET('/v1/properties/', { params: { query: yardi } }))).results).toEqual([]);

    // Cleaning up is part of the API too.
    await ok(client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: inactive.id } }, body: {} }));
    await ok(client.DELETE('/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: active.id } } }));
    await ok(
      client.DELETE('/v1/admin/integrations/{integration_id}/', { params: { path: { integration_id } }, body: {} }),
    );

    // Every spec operation Latchkey serves (our /openapi.json, extensions aside) was called, with every query
    // parameter the spec documents for it (limit=0 among them) in a request answered 200.
    const ours = (await (await fetch(`${app.url}/openapi.json`)).json()) as Json;
    const served = new Set(
      operationsOf(ours)
        .filter(({ op }) => op['x-latchkey-extension'] !== true)
        .map(({ method, path: p }) => `${method} ${shape(p)}`),
    );
    const spec = referenceDocument('propexo-openapi.yml') as Json;
    const implemented = operationsOf(spec).filter(({ method, path: p }) => served.has(`${method} ${shape(p)}`));
    expect(implemented.length).toBeGreaterThanOrEqual(25);
    const answered = exchanges.filter((e) => e.status === 200);
    const missing = implemented.flatMap(({ method, path: p, op }) => {
      const operation = `${method.toUpperCase()} ${p}`;
      const calls = answered.filter((e) => e.operation === operation);
      if (calls.length === 0) return [operation];
      const documented = ((op.parameters ?? []) as Json[]).filter((x) => x.in === 'query').map((x) => x.name as string);
      const unsent = documented.filter((name) => !calls.some((c) => name in c.query && c.query[name] !== null));
      const zero = documented.includes('limit') && !calls.some((c) => c.query.limit === 0) ? ['limit=0'] : [];
      return [...unsent, ...zero].map((name) => `${operation} ?${name}`);
    });
    expect(missing).toEqual([]);
  });

  /** GETs a list with each probe's query: 200, valid (the middleware), and the record it names among the results. */
  async function probe<
    P extends
      | '/v1/properties/'
      | '/v1/units/'
      | '/v1/residents/'
      | '/v1/leases/'
      | '/v1/service-requests/'
      | '/v1/resident-charges/'
      | '/v1/resident-payments/',
  >(p: P, probes: Probe<P>[]): Promise<void> {
    for (const { query, includes, none } of probes) {
      // The probes' queries are typed by the spec (Probe<P>); a call over a union of paths is beyond openapi-fetch's typing.
      const { results, meta } = (await ok(client.GET(p as '/v1/properties/', { params: { query } } as never))) as {
        results: { id: string }[];
        meta: { total: number };
      };
      const ids = results.map((r) => r.id);
      if (includes) expect([p, query, ids]).toEqual([p, query, expect.arrayContaining([includes])]);
      if (none) expect([p, query, ids]).toEqual([p, query, []]);
      if ((query as { limit?: number }).limit === 0) expect(meta.total).toBeGreaterThan(0);
    }
  }
});

/** `/v1/leases/{lease_id}` and `/v1/leases/{id}/` are one route: no trailing slash, parameter names dropped. */
const shape = (p: string) => p.replace(/\/$/, '').replace(/\{[^}]+\}/g, '{}');

function operationsOf(document: Json): { method: string; path: string; op: Json }[] {
  return Object.entries(document.paths as Json).flatMap(([p, item]) =>
    Object.entries(item as Json)
      .filter(([m]) => METHODS.includes(m))
      .map(([method, op]) => ({ method, path: p, op: op as Json })),
  );
}
