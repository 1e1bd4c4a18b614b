import request from 'supertest';
import { IntegrationVendor } from '../../src/generated/prisma/enums';
import { VendorRegistry } from '../../src/fetch/registry/vendor-registry';
import { startApp, waitFor, type AppProcess } from './app-process';
import { createTestDatabase, pipelineState } from './database';
import { assertValid } from './propexo-schema';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/** The app on a database of its own, with a webhook receiver subscribed to its sync events. */
export interface SyncHarness {
  app: AppProcess;
  receiver: WebhookReceiver;
  databaseUrl: string;
  /** The `integration_vendor` of every integration this harness creates. */
  vendor: string;
  stop(): Promise<void>;
}

/** The models a vendor's adapter syncs, sorted (a run has one job per model). */
export const vendorModels = (vendor: IntegrationVendor): string[] =>
  [...new VendorRegistry().get(vendor)!.models].sort();

/**
 * Properties, units, residents and leases: the `models_to_sync` of a suite about something else than the money
 * and maintenance models, so it does not pay for Buildium's per-lease ledger requests.
 */
export const CORE_MODELS = ['properties', 'units', 'residents', 'leases'];

/** The triggers a vendor sync test listens to. */
export const SYNC_TRIGGERS = ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'JOB_FAILURE', 'DATA_NEW', 'DATA_UPDATE'];

export const authHeader = (app: AppProcess) => ({ authorization: `Bearer ${app.apiKey}` });
export const day = (value: string | null | undefined) => (value ? value.slice(0, 10) : null);
/** A phone's ten digits (a leading US 1 dropped), so spellings of one number compare equal. */
export const digits = (phone: string | null | undefined) =>
  phone ? phone.replace(/\D/g, '').replace(/^1(\d{10})$/, '$1') : null;

export async function startSyncHarness(options: {
  name: string;
  vendor: string;
  env?: Record<string, string>;
  triggers?: string[];
}): Promise<SyncHarness> {
  const receiver = await startWebhookReceiver();
  let app: AppProcess | undefined;
  try {
    const databaseUrl = await createTestDatabase();
    app = await startApp({ name: options.name, env: { DATABASE_URL: databaseUrl, ...options.env } });
    const webhook = await request(app.url)
      .post('/v1/webhooks/')
      .set(authHeader(app))
      .send({ url: receiver.url, triggers: options.triggers ?? SYNC_TRIGGERS, active: true });
    expect(webhook.status).toBe(200);
    const started = app;
    return {
      app,
      receiver,
      databaseUrl,
      vendor: options.vendor,
      stop: async () => {
        await started.stop();
        await receiver.close();
      },
    };
  } catch (error) {
    // A half-started harness must not leave its servers open, or Jest never exits.
    await app?.stop();
    await receiver.close();
    throw error;
  }
}

/** Every record of a model (of one integration, if given), page by page, each page validated against Propexo's spec. */
export async function readAll(app: AppProcess, model: string, integrationId?: string): Promise<any[]> {
  const all: any[] = [];
  for (let offset = 0; ; offset += 250) {
    const res = await request(app.url)
      .get(`/v1/${model}/`)
      .query({
        limit: 250,
        offset,
        ...(integrationId === undefined ? {} : { integration_id: integrationId }),
        'order-by': 'x_id:asc',
      })
      .set(authHeader(app));
    expect(res.status).toBe(200);
    assertValid(`_v1_${model}__get_output`, res.body);
    all.push(...res.body.results);
    if (!res.body.meta.hasMore) return all;
  }
}

/** Every list of one integration (properties, units, residents, leases), each page validated against Propexo's spec. */
export async function readAllModels(
  app: AppProcess,
  integrationId: string,
): Promise<Record<'properties' | 'units' | 'residents' | 'leases', any[]>> {
  return {
    properties: await readAll(app, 'properties', integrationId),
    units: await readAll(app, 'units', integrationId),
    residents: await readAll(app, 'residents', integrationId),
    leases: await readAll(app, 'leases', integrationId),
  };
}

/** The vendor values no mapping table knew, of one integration, by model, field and value. */
export async function readUnknownValues(app: AppProcess, integrationId: string): Promise<any[]> {
  const res = await request(app.url)
    .get(`/v1/admin/integrations/${integrationId}/unknown-values`)
    .query({ limit: 250, 'order-by': 'model:asc,field:asc,value:asc' })
    .set(authHeader(app));
  expect(res.status).toBe(200);
  return res.body.results;
}

/** How many records of a model one integration has cached. */
export async function recordCount(app: AppProcess, model: string, integrationId: string): Promise<number> {
  return (
    await request(app.url).get(`/v1/${model}/`).query({ limit: 1, integration_id: integrationId }).set(authHeader(app))
  ).body.meta.total;
}

/** The quarantine list of one integration (its response body, once it answered 200). */
export async function readQuarantine(app: AppProcess, integrationId: string): Promise<any> {
  const res = await request(app.url).get(`/v1/admin/integrations/${integrationId}/quarantine`).set(authHeader(app));
  expect(res.status).toBe(200);
  return res.body;
}

/** The distinct [model, x_id] of a quarantine list body, sorted (a record read twice by a re-delivered job counts once). */
export function quarantined(body: {
  results: Array<{ model: string; x_id: string | null }>;
}): Array<[string, string | null]> {
  return [
    ...new Map(
      body.results.map((q) => [`${q.model}\u0000${q.x_id}`, [q.model, q.x_id] as [string, string | null]]),
    ).values(),
  ].sort();
}

/** The webhook events (parsed bodies) received for one integration, optionally of one trigger. */
export function eventsOf(harness: SyncHarness, integrationId: string, trigger?: string): any[] {
  return harness.receiver.received
    .map((r) => r.json)
    .filter((e) => e?.data?.integration_id === integrationId && (trigger === undefined || e.trigger === trigger));
}

/** Creates an integration of the harness's vendor with `settings` added to the body, and returns its id. */
export async function createIntegration(
  harness: SyncHarness,
  name: string,
  baseUrl: string,
  credentials: object,
  settings: Record<string, unknown> = {},
): Promise<string> {
  const created = await request(harness.app.url)
    .post('/v1/admin/integrations/')
    .set(authHeader(harness.app))
    .send({
      name,
      integration_vendor: harness.vendor,
      credentials,
      base_url: baseUrl,
      max_request_frequency: 100,
      ...settings,
    });
  expect(created.status).toBe(200);
  return created.body.result.id;
}

/** Creates an active integration, which starts its first sync at once, and returns its id. */
export function startFirstSync(
  harness: SyncHarness,
  name: string,
  baseUrl: string,
  credentials: object,
  settings: Record<string, unknown> = {},
): Promise<string> {
  return createIntegration(harness, name, baseUrl, credentials, { active: true, ...settings });
}

/** Waits for an integration's FIRST_SYNC_COMPLETE event (the `nth`, counting from 0, for a first sync run again). */
export function waitForFirstSync(
  harness: SyncHarness,
  integrationId: string,
  options: { nth?: number; timeoutMs?: number } = {},
): Promise<any> {
  const nth = options.nth ?? 0;
  return waitFor(
    async () => eventsOf(harness, integrationId, 'FIRST_SYNC_COMPLETE')[nth],
    `FIRST_SYNC_COMPLETE #${nth + 1} of ${integrationId}`,
    options.timeoutMs ?? 90_000,
    () => pipelineState(harness.databaseUrl),
  );
}

/** Creates an active integration and waits for its first sync: its id and the FIRST_SYNC_COMPLETE's data. */
export async function firstSync(
  harness: SyncHarness,
  name: string,
  baseUrl: string,
  credentials: object,
  settings: Record<string, unknown> = {},
) {
  const id = await startFirstSync(harness, name, baseUrl, credentials, settings);
  const done = await waitForFirstSync(harness, id);
  return { id, done: done.data };
}

/**
 * Runs a manual sync and waits for its SYNC_COMPLETE on `receiver` (the harness's unless given), then a
 * moment more so that any event sent late is caught too. Returns the sync's id, its SYNC_COMPLETE event and
 * every event of the integration received from the request on.
 */
export async function manualSync(
  harness: SyncHarness,
  integrationId: string,
  options: { body?: object; receiver?: WebhookReceiver; settleMs?: number; timeoutMs?: number } = {},
): Promise<{ syncId: string; complete: any; events: any[] }> {
  const receiver = options.receiver ?? harness.receiver;
  const from = receiver.received.length;
  const res = await request(harness.app.url)
    .post(`/v1/admin/integrations/${integrationId}/manual-sync`)
    .set(authHeader(harness.app))
    .send(options.body ?? {});
  expect(res.status).toBe(200);
  const syncId: string = res.body.result.sync_id;
  const since = () =>
    receiver.received
      .slice(from)
      .map((r) => r.json)
      .filter((e) => e?.data?.integration_id === integrationId);
  const complete = await waitFor(
    async () => since().find((e) => e.trigger === 'SYNC_COMPLETE' && e.data.sync_id === syncId),
    `SYNC_COMPLETE of ${syncId}`,
    options.timeoutMs ?? 90_000,
    () => pipelineState(harness.databaseUrl),
  );
  await new Promise((r) => setTimeout(r, options.settleMs ?? 1000));
  return { syncId, complete, events: since() };
}

/** Calls a vendor sandbox's `_control` API (changing its data between syncs). */
export function sandboxControl(sandboxUrl: string) {
  return async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${sandboxUrl}/_control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
    return res.status === 204 ? undefined : res.json();
  };
}

/** A write's status (`GET /v1/admin/write-status/{root_job_id}`), checked against the spec's output schema. */
export async function writeStatus(harness: SyncHarness, rootJobId: string): Promise<any> {
  const res = await request(harness.app.url).get(`/v1/admin/write-status/${rootJobId}`).set(authHeader(harness.app));
  expect(res.status).toBe(200);
  assertValid('_v1_admin_write-status_{root_job_id}_get_output', res.body);
  return res.body;
}

/** Waits for a write to end (SUCCESS, PARTIAL_SUCCESS or FAILURE) and answers its status. */
export function settledWrite(harness: SyncHarness, rootJobId: string): Promise<any> {
  return waitFor(
    async () => {
      const status = await writeStatus(harness, rootJobId);
      return status.write_status === 'PENDING' ? undefined : status;
    },
    `write ${rootJobId} to end`,
    60_000,
    () => pipelineState(harness.databaseUrl),
  );
}
