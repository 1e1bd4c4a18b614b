import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import * as appfolio from '../../src/sandbox/appfolio/appfolio-sandbox';
import * as buildium from '../../src/sandbox/buildium/buildium-sandbox';
import * as entrata from '../../src/sandbox/entrata/entrata-sandbox';
import * as propertywareRest from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import * as yardi from '../../src/sandbox/yardi/yardi-sandbox';
import { startApp, waitFor, type AppProcess } from '../support/app-process';
import { launchBrowser, screenshot, watchPage } from '../support/browser';
import { seedCacheRecords, type SeedRecord } from '../support/cache-seed';
import { sandboxControl, vendorModels } from '../support/sync-helpers';
import { createTestDatabase, withClient } from '../support/database';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/** A Buildium run has one job per model its adapter syncs. */
const BUILDIUM_MODELS = vendorModels('BUILDIUM');
const BUILDIUM_JOBS = BUILDIUM_MODELS.length;

/** The sandboxes' own credential constants, by the vendor the dashboard's presets name. */
const SANDBOX_MODULES: Record<string, { prefix: string; module: Record<string, unknown> }> = {
  BUILDIUM: { prefix: 'BUILDIUM', module: buildium },
  PROPERTYWARE_REST: { prefix: 'PROPERTYWARE_REST', module: propertywareRest },
  YARDI: { prefix: 'YARDI', module: yardi },
  ENTRATA: { prefix: 'ENTRATA', module: entrata },
  APPFOLIO: { prefix: 'APPFOLIO', module: appfolio },
};
const LIMITED_BUILDIUM = (buildium as Record<string, unknown>).BUILDIUM_SANDBOX_LIMITED_CREDENTIALS as
  object | undefined;
const PRESETS = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../src/serve/dashboard/public/sandbox-presets.json'), 'utf8'),
);
const READ_MODELS = ['properties', 'units', 'residents', 'leases'];

const digitsOf = (text: string | null) => (text ?? '').replace(/\D/g, '');

describe('dashboard at GET / (Chromium)', () => {
  let app: AppProcess;
  let databaseUrl: string;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    app = await startApp({
      name: 'dashboard',
      env: { DATABASE_URL: (databaseUrl = await createTestDatabase()), WEBHOOK_RETRY_SCHEDULE: '1,1,1' },
    });
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await receiver?.close();
  });

  const api = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${app.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** A fresh browser page; `withKey` stores the API key first, as if it had been entered before. */
  async function openPage(withKey: boolean): Promise<{ page: Page; problems: string[] }> {
    context = await browser.newContext({ baseURL: app.url, viewport: { width: 1360, height: 900 }, locale: 'en-US' });
    if (withKey)
      await context.addInitScript((key) => (globalThis as any).localStorage.setItem('latchkey-key', key), app.apiKey);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { page, problems: watchPage(page) };
  }

  /** Creates a sandbox integration through the form with the given preset (`active`: its first sync starts at once); returns its id. */
  async function createIntegration(
    page: Page,
    vendor: string,
    preset: 'standard' | 'limited',
    name: string,
    active = false,
  ): Promise<string> {
    const presets = PRESETS.vendors.find((v: any) => v.vendor === vendor);
    await page.goto('/#/integrations');
    await page.getByTestId('new-vendor').selectOption(vendor);
    await page.getByTestId('new-preset').selectOption(preset);
    expect(await page.getByTestId('new-base-url').inputValue()).toBe(`${app.url}/sandbox/${presets.slug}`);
    expect(JSON.parse(await page.getByTestId('new-credentials').inputValue())).toEqual(presets.presets[preset]);
    expect(await page.getByTestId('new-fast').isChecked()).toBe(true);
    await page.getByTestId('new-name').fill(name);
    if (active) await page.getByTestId('new-active').check();
    await page.getByTestId('create-integration-submit').click();
    await page.waitForURL(/#\/integrations\/[^/?]+$/);
    await page.getByTestId('integration-name').filter({ hasText: name }).waitFor();
    return decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
  }

  /** Creates a Buildium sandbox integration through the form (see createIntegration). */
  const createBuildium = (page: Page, preset: 'standard' | 'limited', name: string, active = false) =>
    createIntegration(page, 'BUILDIUM', preset, name, active);

  /** The first test's synced Buildium integration, or (when run alone) a new one synced through the dashboard. */
  async function syncedBuildium(page: Page, name: string): Promise<any> {
    const synced = (await api('GET', '/v1/admin/integrations/?limit=250')).body.results.find(
      (i: any) => i.name === 'Demo Buildium' && i.first_sync_completed_at,
    );
    if (synced) return synced;
    const id = await createBuildium(page, 'standard', name);
    await page.getByTestId('toggle-active').click();
    await page.locator('[data-testid="run-row"][data-status="SUCCESS"]').waitFor({ timeout: 120_000 });
    return (await api('GET', `/v1/admin/integrations/${id}`)).body.results;
  }

  it('serves its files with their content types and revalidation headers, and nothing outside its folder', async () => {
    const index = await fetch(`${app.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    expect(html).toContain('/dashboard/app.js');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script: the CSP forbids it

    const script = await fetch(`${app.url}/dashboard/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = script.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await fetch(`${app.url}/dashboard/app.js`, { headers: { 'if-none-match': etag! } })).status).toBe(304);
    expect((await fetch(`${app.url}/dashboard/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${app.url}/dashboard/sandbox-presets.json`)).headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    );

    for (const probe of [
      '/dashboard/..%2fdashboard.controller.ts',
      '/dashboard/..%2F..%2F..%2Fpackage.json',
      '/dashboard/%2e%2e%2fpackage.json',
      '/dashboard/.env',
      '/dashboard/missing.js',
      '/dashboard/index.html',
    ]) {
      const res = await fetch(`${app.url}${probe}`);
      expect([probe, res.status]).toEqual([probe, 404]);
      expect(await res.text()).not.toContain('"devDependencies"');
    }
  });

  it('offers exactly the credentials each mounted sandbox accepts as its presets', () => {
    expect(PRESETS.vendors.map((v: any) => v.vendor).sort()).toEqual(Object.keys(SANDBOX_MODULES).sort());
    for (const v of PRESETS.vendors) {
      const { prefix, module } = SANDBOX_MODULES[v.vendor];
      expect(v.presets.standard).toEqual(module[`${prefix}_SANDBOX_CREDENTIALS`]);
      const limited = module[`${prefix}_SANDBOX_LIMITED_CREDENTIALS`];
      if (limited === undefined) expect(v.presets.limited).toBeUndefined();
      else expect(v.presets.limited).toEqual(limited);
    }
  });

  it('goes from the API key to a synced Buildium sandbox, a resident, a delivered test webhook and the event feed', async () => {
    const { page, problems } = await openPage(false);
    await page.goto('/');

    // The key: a wrong one is refused inline, the right one opens the integrations.
    await page.getByTestId('key-form').waitFor();
    await page.getByTestId('api-key-input').fill('lk_not_a_valid_key_at_all');
    await page.getByTestId('api-key-save').click();
    const keyError = page.getByTestId('key-error');
    await keyError.waitFor();
    expect(await keyError.textContent()).toMatch(/unauthorized/i);
    await page.getByTestId('api-key-input').fill(app.apiKey);
    await page.getByTestId('api-key-save').click();
    await page.getByTestId('integrations-table').waitFor();
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('latchkey-key'))).toBe(app.apiKey);
    await screenshot(page, '01-key-entered');

    // An API error shows inline with its message: credentials of the wrong shape.
    await page.getByTestId('new-vendor').selectOption('BUILDIUM');
    await page.getByTestId('new-preset').selectOption('custom');
    await page.getByTestId('new-name').fill('Broken');
    await page.getByTestId('new-credentials').fill('{"clientId": "only-an-id"}');
    await page.getByTestId('create-integration-submit').click();
    const createError = page.getByTestId('create-integration-error');
    await createError.waitFor();
    expect(await createError.textContent()).toContain('credentials.secret');
    await screenshot(page, '02-create-error');

    // Create against the sandbox with its preset: base_url on this origin, a demo request budget.
    const id = await createBuildium(page, 'standard', 'Demo Buildium');
    const created = await api('GET', `/v1/admin/integrations/${id}`);
    expect(created.body.results).toMatchObject({
      integration_vendor: 'BUILDIUM',
      active: false,
      base_url: `${app.url}/sandbox/buildium`,
      max_request_frequency: 100,
      max_request_cadence: 'SECOND',
    });
    expect(await page.getByTestId('integration-active').textContent()).toBe('inactive');
    expect(await page.getByTestId('can-authenticate').textContent()).toBe('not checked');
    await screenshot(page, '03-integration-created');

    // Data access: every read SUCCESS, in green.
    await page.getByTestId('check-access').click();
    for (const model of READ_MODELS)
      await page.locator(`[data-testid="access-${model}-read"][data-status="SUCCESS"]`).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('access-residents-read').getAttribute('class')).toContain('ok');
    const access = await api('GET', `/v1/admin/integrations/${id}/data-access`);
    expect(access.body.result.models.residents.read.status).toBe('SUCCESS');
    await page.getByTestId('can-authenticate').filter({ hasText: /^yes$/ }).waitFor();
    expect(await page.getByTestId('access-last-check').textContent()).not.toBe('—');
    await screenshot(page, '04-data-access');

    // Enable: the first sync starts and is followed live (the sandbox holds its tenants page for 4 s, so the
    // run is seen RUNNING with its residents job in flight), until SUCCESS with its counts.
    await sandboxControl(`${app.url}/sandbox/buildium`)('POST', 'faults', {
      path: '/v1/leases/tenants',
      delayMs: 4000,
      times: 1,
    });
    await page.getByTestId('toggle-active').click();
    await page
      .getByTestId('integration-active')
      .filter({ hasText: /^active$/ })
      .waitFor();
    const progress = page.getByTestId('run-progress');
    await progress
      .filter({ hasText: new RegExp(`FIRST_SYNC RUNNING — \\d of ${BUILDIUM_JOBS} jobs finished`) })
      .waitFor({ timeout: 20_000 });
    await page
      .locator('[data-testid="job-row"][data-model="residents"][data-status="RUNNING"]')
      .waitFor({ timeout: 10_000 });
    await screenshot(page, '05-sync-running');
    const doneRow = page.locator('[data-testid="run-row"][data-status="SUCCESS"]');
    await doneRow.waitFor({ timeout: 120_000 });
    const runId = (await doneRow.getAttribute('data-run-id'))!;
    const run = (await api('GET', `/v1/admin/logs/jobs/${runId}?include_all_jobs=true`)).body.results;
    const root = run.find((r: any) => r.id === runId);
    expect(root).toMatchObject({ status: 'SUCCESS', parent_job_id: null, job_type: 'FIRST_SYNC' });
    expect(root.records_seen).toBeGreaterThan(0);
    expect(digitsOf(await doneRow.getByTestId('records-seen').textContent())).toBe(String(root.records_seen));
    expect(digitsOf(await doneRow.getByTestId('records-written').textContent())).toBe(String(root.records_written));
    expect(digitsOf(await doneRow.getByTestId('events-emitted').textContent())).toBe(String(root.events_emitted));
    await page.locator('[data-testid="job-row"][data-status="SUCCESS"]').nth(3).waitFor();
    expect(await page.getByTestId('job-row').count()).toBe(BUILDIUM_JOBS);
    expect(
      (
        await page
          .locator('[data-testid="job-row"]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model')))
      ).sort(),
    ).toEqual(BUILDIUM_MODELS);
    const bars = await page
      .locator('[data-testid="chart-records-svg"] rect.bar')
      .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    expect(bars.some((height) => height > 0)).toBe(true);
    await page.locator('[data-testid="run-progress"]').waitFor({ state: 'detached' });
    await screenshot(page, '06-first-sync-done');

    // Records: the integration's residents, then one resident's fields.
    await page.getByTestId('integration-records').click();
    await page.getByTestId('records-table').waitFor();
    const total = (await api('GET', `/v1/residents?integration_id=${id}&limit=1`)).body.meta.total;
    expect(total).toBeGreaterThan(0);
    expect(digitsOf((await page.getByTestId('records-total').textContent())!.split(' ')[0])).toBe(String(total));
    // Each resident's vendor, and its standing: the statuses of its leases, as the API gives them.
    const listed = (await api('GET', `/v1/residents?integration_id=${id}&limit=50`)).body.results;
    const cells = await page.getByTestId('record-row').evaluateAll((rows) =>
      rows.map((r) => ({
        id: r.getAttribute('data-record-id'),
        vendor: r.querySelector('[data-column="Vendor"]')?.textContent,
        status: r.querySelector('[data-column="Lease status"]')?.textContent,
      })),
    );
    expect(cells).toEqual(
      listed.map((r: any) => {
        const statuses = [...new Set(r.leases_meta_data.map((m: any) => m.lease_status_normalized))];
        return { id: r.id, vendor: 'BUILDIUM', status: statuses.length ? statuses.join(', ') : 'no lease' };
      }),
    );
    expect(cells.some((c) => /^(ACTIVE|INACTIVE|PENDING|EVICTED|OTHER)/.test(c.status ?? ''))).toBe(true);
    const firstRow = page.getByTestId('record-row').first();
    const residentId = (await firstRow.getAttribute('data-record-id'))!;
    await firstRow.getByTestId('record-link').click();
    await page.waitForURL(new RegExp(`#/records/residents/${residentId}$`));
    const resident = (await api('GET', `/v1/residents/${residentId}`)).body.results;
    const name = [resident.first_name, resident.last_name].filter(Boolean).join(' ');
    expect(name).not.toBe('');
    await page.getByTestId('record-title').filter({ hasText: name }).waitFor();
    expect(await page.locator('[data-field="x_id"]').textContent()).toBe(resident.x_id);
    await screenshot(page, '07-resident');

    // Webhooks: create one for the local receiver, send a test event, see the delivery and its attempt.
    await page.getByTestId('nav-webhooks').click();
    await page.getByTestId('new-webhook-url').fill(receiver.url);
    // The form offers the API's trigger catalogue, not a list of its own.
    const catalogue = (await api('GET', '/v1/webhooks/triggers')).body.results as any[];
    expect(
      await page
        .locator('input[name="triggers"]')
        .evaluateAll((boxes) => boxes.map((b) => (b as unknown as { value: string }).value)),
    ).toEqual(catalogue.filter((t) => t.subscribable).map((t) => t.trigger));
    await page.getByTestId('create-webhook-submit').click();
    await page.waitForURL(/#\/webhooks\/[^/?]+/);
    const webhookId = decodeURIComponent(new URL(page.url()).hash.split('/').pop()!.split('?')[0]);
    const webhook = (await api('GET', `/v1/webhooks/${webhookId}`)).body.results;
    expect(webhook).toMatchObject({ url: receiver.url, active: true });
    expect(webhook.triggers.map((t: any) => t.trigger).sort()).toEqual([
      'DATA_DELETED',
      'DATA_NEW',
      'DATA_UPDATE',
      'FIRST_SYNC_COMPLETE',
      'JOB_FAILURE',
      'SYNC_COMPLETE',
      'WRITE_OPERATION_FAILURE',
    ]);
    expect(await page.getByTestId('webhook-secret').textContent()).toBe(webhook.secret);

    await page.getByTestId('send-test').click();
    const delivered = page.locator('[data-testid="delivery-row"][data-trigger="TEST"][data-status="SUCCEEDED"]');
    await delivered.waitFor({ timeout: 30_000 });
    expect(await delivered.locator('[data-testid="delivery-attempt"][data-status-code="200"]').count()).toBe(1);
    const got = await waitFor(
      async () => receiver.received.find((r) => r.json?.trigger === 'TEST' && r.json?.data?.webhook_id === webhookId),
      'the TEST delivery at the receiver',
      10_000,
    );
    expect(got.headers['webhook-id']).toBe(await delivered.getAttribute('data-delivery-id'));
    expect(await page.locator('[data-testid="chart-latency-svg"] circle').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, '08-webhook-test-delivered');

    // Retry sends the same delivery again (same webhook-id): a second attempt shows.
    await delivered.getByTestId('retry-delivery').click();
    await page
      .locator('[data-testid="delivery-row"][data-trigger="TEST"] [data-testid="delivery-attempt"]')
      .nth(1)
      .waitFor({ timeout: 30_000 });
    const tests = await waitFor(
      async () => {
        const all = receiver.received.filter((r) => r.json?.trigger === 'TEST');
        return all.length === 2 ? all : undefined;
      },
      'the retried TEST delivery',
      10_000,
    );
    expect(tests[1].headers['webhook-id']).toBe(tests[0].headers['webhook-id']);

    // Rotating the secret shows the new one, which the API now holds.
    await page.getByTestId('rotate-secret').click();
    await page.getByTestId('secret-rotated').waitFor();
    const rotated = await page.getByTestId('webhook-secret').textContent();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(webhook.secret);
    expect((await api('GET', `/v1/webhooks/${webhookId}`)).body.results.secret).toBe(rotated);

    // A change at the vendor, then "Sync now": the second run emits events and the webhook delivers them.
    // The new name holds markup, which the page must show as text.
    const renamed = 'Renamed <img src=x data-injected=1>';
    await sandboxControl(`${app.url}/sandbox/buildium`)('PATCH', `tenants/${resident.x_id}`, { FirstName: renamed });
    // One lease gets a status Buildium's spec does not list: the integration's page then shows it, counted.
    const [firstLease] = await sandboxControl(`${app.url}/sandbox/buildium`)('GET', 'leases?limit=1');
    await sandboxControl(`${app.url}/sandbox/buildium`)('PATCH', `leases/${firstLease.Id}`, { LeaseStatus: 'Evicted' });
    await page.goto(`/#/integrations/${id}`);
    await page.getByTestId('runs-table').waitFor();
    expect(await page.getByTestId('unknown-row').count()).toBe(0); // the first sync met only values of the spec
    await page.getByTestId('sync-now').click();
    await page.locator('[data-testid="run-row"][data-status="SUCCESS"]').nth(1).waitFor({ timeout: 120_000 });
    const unknownRow = page.locator(
      '[data-testid="unknown-row"][data-field="status_normalized"][data-value="Evicted"]',
    );
    await unknownRow.waitFor({ timeout: 30_000 });
    const unknown = (await api('GET', `/v1/admin/integrations/${id}/unknown-values`)).body.results;
    expect(unknown.map((u: any) => [u.model, u.field, u.value, u.mapped_to, u.occurrences, u.sample_x_id])).toEqual([
      ['leases', 'status_normalized', 'Evicted', 'OTHER', 1, String(firstLease.Id)],
    ]);
    expect(await unknownRow.getByTestId('unknown-occurrences').textContent()).toBe('1');
    const newest = page.getByTestId('run-row').first();
    const manual = (
      await api('GET', `/v1/admin/logs/jobs/${await newest.getAttribute('data-run-id')}?include_all_jobs=false`)
    ).body.results[0];
    expect(manual).toMatchObject({ job_type: 'MANUAL_SYNC', status: 'SUCCESS' });
    expect(manual.events_emitted).toBeGreaterThanOrEqual(1);
    expect(digitsOf(await newest.getByTestId('events-emitted').textContent())).toBe(String(manual.events_emitted));
    const eventBars = await page
      .locator('[data-testid="chart-events-svg"] rect.bar')
      .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    expect(eventBars).toHaveLength(2);
    expect(eventBars[0]).toBe(0); // the first sync sends no data events
    expect(eventBars[1]).toBeGreaterThan(0);
    await screenshot(page, '09-second-sync');

    const update = await waitFor(
      async () =>
        receiver.received.find((r) => r.json?.trigger === 'DATA_UPDATE' && r.json?.data?.record_id === residentId),
      'the DATA_UPDATE of the renamed resident',
      30_000,
    );
    expect(update.json.data.diff.new.first_name).toBe(renamed);
    await page.goto(`/#/webhooks/${webhookId}`);
    await page
      .locator(`[data-testid="delivery-row"][data-trigger="DATA_UPDATE"][data-status="SUCCEEDED"]`)
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, '10-webhook-deliveries');
    await page.goto(`/#/records/residents/${residentId}`);
    await page
      .getByTestId('record-title')
      .filter({ hasText: `${renamed} ${resident.last_name}` })
      .waitFor();
    expect(await page.locator('[data-field="first_name"]').textContent()).toBe(renamed);
    expect(await page.locator('[data-injected]').count()).toBe(0);
    // Its leases are links to the lease records.
    const leaseIds = resident.leases_meta_data.map((m: any) => m.lease_id);
    expect(await page.locator('[data-testid="record-leases"] a').allTextContents()).toEqual(leaseIds);
    if (leaseIds.length > 0) {
      await page.locator('[data-testid="record-leases"] a').first().click();
      await page.waitForURL(new RegExp(`#/records/leases/${leaseIds[0]}$`));
      await page.locator('[data-field="id"]').filter({ hasText: leaseIds[0] }).waitFor();
    }

    // The event feed, in commit order (test events stay out of it).
    await page.getByTestId('nav-events').click();
    await page.locator('[data-testid="event-row"][data-trigger="FIRST_SYNC_COMPLETE"]').waitFor();
    await page.locator('[data-testid="event-row"][data-trigger="DATA_UPDATE"]').first().waitFor();
    const feed = (await api('GET', '/v1/events?after=0&limit=100')).body.results;
    const sequences = await page
      .getByTestId('event-row')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-sequence'))));
    expect(sequences).toEqual(feed.map((e: any) => e.sequence));
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    // Each event names its integration, linked to it.
    const complete = page
      .locator('[data-testid="event-row"][data-trigger="FIRST_SYNC_COMPLETE"]')
      .first()
      .getByTestId('event-integration');
    expect(await complete.textContent()).toBe('Demo Buildium');
    expect(await complete.getAttribute('href')).toBe(`#/integrations/${id}`);
    await screenshot(page, '11-events');

    expect(problems).toEqual([]);
  }, 300_000);

  (LIMITED_BUILDIUM ? it : it.skip)(
    'shows the limited preset’s residents read as FAILED with the vendor’s message, and the sync skipping residents',
    async () => {
      const { page, problems } = await openPage(true);
      const id = await createBuildium(page, 'limited', 'Limited Buildium');
      await page.getByTestId('check-access').click();
      const failed = page.locator('[data-testid="access-residents-read"][data-status="FAILED"]');
      await failed.waitFor({ timeout: 60_000 });
      for (const model of ['properties', 'units', 'leases'])
        await page.locator(`[data-testid="access-${model}-read"][data-status="SUCCESS"]`).waitFor();
      expect(await failed.getAttribute('class')).toContain('bad');
      const access = (await api('GET', `/v1/admin/integrations/${id}/data-access`)).body.result;
      const message = access.models.residents.read.error_message as string;
      expect(message).toMatch(/permission/i);
      expect(await page.getByTestId('access-residents-read-error').textContent()).toBe(message);
      await screenshot(page, '12-limited-access');

      // Its first sync skips residents because their read check FAILED, and says so.
      await page.getByTestId('toggle-active').click();
      const done = page.locator('[data-testid="run-row"]:is([data-status="SUCCESS"], [data-status="FAILURE"])');
      await done.waitFor({ timeout: 120_000 });
      const runId = (await done.getAttribute('data-run-id'))!;
      const root = (await api('GET', `/v1/admin/logs/jobs/${runId}?include_all_jobs=false`)).body.results[0];
      expect(root.skipped_models.map((s: any) => s.model)).toEqual(['residents']);
      expect(await done.textContent()).toContain(`residents: ${root.skipped_models[0].reason}`);
      await screenshot(page, '13-limited-sync');

      // Both integrations in the list, with their state.
      await page.getByTestId('nav-integrations').click();
      await page.getByTestId('integrations-table').waitFor();
      const names = await page.getByTestId('integration-link').allTextContents();
      expect(names).toEqual(expect.arrayContaining(['Demo Buildium', 'Limited Buildium']));
      await screenshot(page, '14-integrations');
      expect(problems).toEqual([]);
    },
    240_000,
  );
  (LIMITED_BUILDIUM ? it : it.skip)(
    'shows a first sync the vendor partly refused in red: the run, its failed job, the FAILED read with the vendor’s message, and the list’s last run',
    async () => {
      const { page, problems } = await openPage(true);
      const id = await createBuildium(page, 'limited', 'Partly refused Buildium', true);

      // The run ends PARTIAL_SUCCESS, red, naming residents and the vendor's refusal.
      const row = page.locator('[data-testid="run-row"][data-status="PARTIAL_SUCCESS"]');
      await row.waitFor({ timeout: 120_000 });
      const runId = (await row.getAttribute('data-run-id'))!;
      const run = (await api('GET', `/v1/admin/logs/jobs/${runId}?include_all_jobs=false`)).body.results[0];
      expect(run).toMatchObject({
        status: 'PARTIAL_SUCCESS',
        models_failed: [{ model: 'residents', error: expect.stringMatching(/HTTP 403/) }],
      });
      expect(await row.getByTestId('run-status').getAttribute('class')).toContain('bad');
      const failedModel = row.locator('[data-testid="run-failed-model"][data-model="residents"]');
      expect(await failedModel.textContent()).toBe(`residents: ${run.models_failed[0].error}`);
      expect(await failedModel.getAttribute('class')).toContain('bad-text');
      const job = page.locator('[data-testid="job-row"][data-model="residents"][data-status="FAILURE"]');
      await job.waitFor();
      expect(await job.getByTestId('job-status').getAttribute('class')).toContain('bad');
      expect(await page.locator('[data-testid="job-row"][data-status="SUCCESS"]').count()).toBe(BUILDIUM_JOBS - 1);

      // Its data access: residents read FAILED in red with the vendor's words, without a check having run.
      const cell = page.locator('[data-testid="access-residents-read"][data-status="FAILED"]');
      await cell.waitFor();
      expect(await cell.getAttribute('class')).toContain('bad');
      const access = (await api('GET', `/v1/admin/integrations/${id}/data-access`)).body.result;
      expect(access.models.residents.read).toEqual({ status: 'FAILED', error_message: run.models_failed[0].error });
      expect(await page.getByTestId('access-residents-read-error').textContent()).toBe(
        access.models.residents.read.error_message,
      );
      expect(access.last_data_access_check).toBeNull();
      await screenshot(page, '14a-partly-refused-sync');

      // The integrations list shows each integration's last run and when, red for this one.
      await page.getByTestId('nav-integrations').click();
      const listed = page.locator(`[data-testid="integrations-table"] tr[data-integration-id="${id}"]`);
      await listed.waitFor();
      const lastRun = listed.getByTestId('last-run');
      expect(await lastRun.getAttribute('data-status')).toBe('PARTIAL_SUCCESS');
      expect(await lastRun.getByTestId('last-run-status').getAttribute('class')).toContain('bad');
      expect(await lastRun.getByTestId('last-run-time').textContent()).toBe(
        await page.evaluate((t) => new Date(t).toLocaleString(), run.started_at),
      );
      await screenshot(page, '14b-integrations-last-run');

      // The delivery-latency line breaks where time has a gap, instead of drawing across it.
      // (A string, so that the test's TypeScript compiler leaves the browser's dynamic import alone.)
      const polylines = await page.evaluate(`(async () => {
      const { timeChart } = await import('/dashboard/charts.js');
      const at = (seconds) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();
      const count = (seconds) => timeChart({ title: 't', yLabel: 'ms', name: 'latency', testid: 't', points: seconds.map((t, i) => ({ t: at(t), v: 10 + i })) })
        .querySelectorAll('polyline').length;
      return { steady: count([0, 1, 2, 3, 4, 5]), gap: count([0, 1, 2, 3600, 3601, 3602]), twoGaps: count([0, 1, 1800, 1801, 3600, 3601]) };
    })()`);
      expect(polylines).toEqual({ steady: 1, gap: 2, twoGaps: 3 });
      expect(problems).toEqual([]);
    },
    240_000,
  );

  it('adds a warehouse destination, creates a Connect connection of the Buildium residents, follows its run to the rows in the warehouse, and changes its streams', async () => {
    const { page, problems } = await openPage(true);

    // The source: the Buildium integration the first test synced, or a fresh one synced here when run alone.
    const source = await syncedBuildium(page, 'Connect Buildium');
    const residents = (await api('GET', `/v1/residents?integration_id=${source.id}&limit=1`)).body.meta.total;
    expect(residents).toBeGreaterThan(0);

    // The warehouse: a second database on the test server. First the same URL on a port where nothing listens.
    const warehouseUrl = await createTestDatabase();
    const warehouse = new URL(warehouseUrl);
    const unreachable = new URL(warehouseUrl);
    unreachable.port = '1';
    const destinationsBefore = (await api('GET', '/v1/connect/destinations')).body.meta.total;
    await page.goto('/#/integrations');
    await page.getByTestId('nav-connect').click();
    await page.getByTestId('destinations-table').waitFor();
    expect(await page.getByTestId('nav-connect').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('new-destination-name').fill('Nowhere');
    await page.getByTestId('new-destination-url').fill(unreachable.toString());
    await page.getByTestId('create-destination-submit').click();
    const destinationError = page.getByTestId('create-destination-error');
    await destinationError.waitFor();
    expect(await destinationError.textContent()).toMatch(/connection_url.*unreachable/);
    expect((await api('GET', '/v1/connect/destinations')).body.meta.total).toBe(destinationsBefore);
    await screenshot(page, '15-connect-destination-unreachable');

    await page.getByTestId('new-destination-name').fill('Warehouse');
    await page.getByTestId('new-destination-url').fill(warehouseUrl);
    await page.getByTestId('create-destination-submit').click();
    await page.getByTestId('destination-created').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('create-destination-error').count()).toBe(0);
    const destination = (await api('GET', '/v1/connect/destinations?limit=250')).body.results.find(
      (d: any) => d.name === 'Warehouse',
    );
    expect(destination).toMatchObject({
      type: 'postgres',
      host: warehouse.hostname,
      port: Number(warehouse.port),
      database: warehouse.pathname.slice(1),
      username: warehouse.username,
    });
    const destinationRow = page.locator(`[data-testid="destination-row"][data-destination-id="${destination.id}"]`);
    expect(await destinationRow.getByTestId('destination-address').textContent()).toBe(
      `${warehouse.username}@${warehouse.hostname}:${warehouse.port}/${warehouse.pathname.slice(1)}`,
    );
    // The URL (and its password) is never shown again: the field is emptied and the page holds it nowhere.
    expect(await page.getByTestId('new-destination-url').inputValue()).toBe('');
    const shown = await page.evaluate(() => {
      const doc = (globalThis as any).document;
      return [
        doc.body.innerText,
        ...[...doc.querySelectorAll('input, textarea, select')].map((e: any) => e.value),
      ].join('\n');
    });
    expect(shown).not.toContain(`:${warehouse.password}@`);
    expect(shown).not.toContain(warehouseUrl);

    // A connection: the residents in full_refresh_overwrite, manual schedule, into dashboard_wh.lk_residents.
    await page.getByTestId('new-connection-form').waitFor();
    await page.getByTestId('new-connection-name').fill('Residents to the warehouse');
    await page.getByTestId('new-connection-integration').selectOption(source.id);
    await page.getByTestId('new-connection-destination').selectOption(destination.id);
    await page.getByTestId('new-connection-stream-residents').check();
    await page.getByTestId('new-connection-mode-residents').selectOption('full_refresh_overwrite');
    // Links are removed when they end, so their stream offers the one mode that carries a removal.
    expect(
      await page.getByTestId('new-connection-mode-residents_to_leases').locator('option').allTextContents(),
    ).toEqual(['Full refresh (overwrite)']);
    await page.getByTestId('new-connection-schedule-manual').check();
    expect(await page.getByTestId('new-connection-cron').isDisabled()).toBe(true);
    await page.getByTestId('new-connection-namespace').fill('dashboard_wh');
    await page.getByTestId('new-connection-prefix').fill('lk_');
    expect(await page.getByTestId('new-connection-tables').textContent()).toBe('dashboard_wh.lk_residents');
    await screenshot(page, '15-connect-destination');
    await page.getByTestId('create-connection-submit').click();
    await page.waitForURL(/#\/connect\/connections\/[^/?]+$/);
    const connectionId = decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
    const connection = (await api('GET', `/v1/connect/connections/${connectionId}`)).body.results;
    expect(connection).toMatchObject({
      name: 'Residents to the warehouse',
      integration_id: source.id,
      destination_id: destination.id,
      schedule: { type: 'manual' },
      streams: [{ name: 'residents', sync_mode: 'full_refresh_overwrite', fields: null }],
      namespace: 'dashboard_wh',
      stream_prefix: 'lk_',
      active: true,
      next_run_at: null,
    });
    await page.getByTestId('connection-name').filter({ hasText: 'Residents to the warehouse' }).waitFor();
    expect(await page.getByTestId('stream-table').allTextContents()).toEqual(['dashboard_wh.lk_residents']);
    expect(await page.getByTestId('connect-run-row').count()).toBe(0);

    // Sync now: the page polls the run until it SUCCEEDED, with the residents' record count.
    await page.getByTestId('connect-sync-now').click();
    await page.getByTestId('connect-sync-requested').waitFor();
    const done = page.locator('[data-testid="connect-run-row"][data-status="SUCCEEDED"]');
    await done.waitFor({ timeout: 60_000 });
    await page.getByTestId('connect-run-progress').waitFor({ state: 'detached' });
    const runId = (await done.getAttribute('data-run-id'))!;
    const run = (await api('GET', `/v1/connect/connections/${connectionId}/runs/${runId}`)).body.results;
    expect(run).toMatchObject({ connection_id: connectionId, status: 'SUCCEEDED', trigger: 'manual', error: null });
    const rows = await withClient(warehouseUrl, async (db) =>
      Number((await db.query('SELECT count(*) AS n FROM dashboard_wh.lk_residents')).rows[0].n),
    );
    expect(rows).toBe(residents);
    expect(run.streams).toEqual([
      expect.objectContaining({
        name: 'residents',
        sync_mode: 'full_refresh_overwrite',
        status: 'SUCCEEDED',
        records: rows,
      }),
    ]);
    const streamRow = done.locator('[data-testid="connect-stream-row"][data-stream="residents"]');
    expect(await streamRow.getAttribute('data-status')).toBe('SUCCEEDED');
    expect(digitsOf(await streamRow.getByTestId('connect-stream-records').textContent())).toBe(String(rows));
    expect(digitsOf(await done.getByTestId('connect-run-records').textContent())).toBe(String(rows));
    expect(await done.getByTestId('connect-run-trigger').textContent()).toBe('manual');
    expect(await done.getByTestId('connect-run-attempts').textContent()).toBe(String(run.attempts));
    expect(await done.getByTestId('connect-run-duration').textContent()).not.toBe('—');
    const bars = await page
      .locator('[data-testid="connect-chart-records-svg"] rect.bar')
      .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    expect(bars).toHaveLength(1);
    expect(bars[0]).toBeGreaterThan(0);
    await screenshot(page, '16-connect-run');

    // Change the streams from the page: the units join (dedup on id), the residents keep their mode; an empty
    // choice is refused by the API, its error shown beside the form and nothing changed.
    await page.getByTestId('edit-streams').locator('summary').click();
    expect(await page.getByTestId('edit-streams-stream-residents').isChecked()).toBe(true);
    expect(await page.getByTestId('edit-streams-mode-residents').inputValue()).toBe('full_refresh_overwrite');
    expect(await page.getByTestId('edit-streams-stream-units').isChecked()).toBe(false);
    await page.getByTestId('edit-streams-stream-residents').uncheck();
    await page.getByTestId('edit-streams-submit').click();
    await page.getByTestId('edit-streams-error').waitFor();
    expect(await page.getByTestId('edit-streams-error').textContent()).toMatch(/streams/);
    expect((await api('GET', `/v1/connect/connections/${connectionId}`)).body.results.streams).toEqual(
      connection.streams,
    );
    await page.getByTestId('edit-streams-stream-residents').check();
    await page.getByTestId('edit-streams-stream-units').check();
    await page.getByTestId('edit-streams-mode-units').selectOption('incremental_dedup');
    await page.getByTestId('edit-streams-submit').click();
    await page.getByTestId('edit-streams-saved').waitFor();
    const edited = (await api('GET', `/v1/connect/connections/${connectionId}`)).body.results.streams;
    expect(edited).toHaveLength(2);
    expect(edited).toEqual(
      expect.arrayContaining([
        { name: 'residents', sync_mode: 'full_refresh_overwrite', fields: null },
        { name: 'units', sync_mode: 'incremental_dedup', fields: null },
      ]),
    );
    expect((await page.getByTestId('stream-table').allTextContents()).sort()).toEqual([
      'dashboard_wh.lk_residents',
      'dashboard_wh.lk_units',
    ]);

    // Pause, then the destination it uses cannot be deleted: the API's 409 shows inline.
    await page.getByTestId('connection-toggle-active').click();
    await page
      .getByTestId('connection-active')
      .filter({ hasText: /^paused$/ })
      .waitFor();
    expect((await api('GET', `/v1/connect/connections/${connectionId}`)).body.results.active).toBe(false);
    await page.getByTestId('nav-connect').click();
    await page.locator(`[data-testid="connection-row"][data-connection-id="${connectionId}"]`).waitFor();
    await destinationRow.getByTestId('delete-destination').click();
    await destinationRow.getByTestId('confirm-delete-destination').click();
    const deleteError = page.getByTestId('destination-delete-error');
    await deleteError.waitFor();
    expect(await deleteError.textContent()).toMatch(/used by a connection/);
    expect((await api('GET', `/v1/connect/destinations/${destination.id}`)).status).toBe(200);

    // Deleting the connection asks once: Cancel keeps it, Confirm deletes it and goes back to the list.
    await page.goto(`/#/connect/connections/${connectionId}`);
    await page.getByTestId('delete-connection').click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('delete-connection').waitFor();
    expect((await api('GET', `/v1/connect/connections/${connectionId}`)).status).toBe(200);
    await page.getByTestId('delete-connection').click();
    await page.getByTestId('confirm-delete-connection').click();
    await page.waitForURL(/#\/connect$/);
    expect((await api('GET', `/v1/connect/connections/${connectionId}`)).status).toBe(404);
    expect(problems).toEqual([]);
  }, 240_000);

  it('writes to the PMS: a resident created and edited through forms built from write-support, followed to SUCCESS; a refused write shown with the vendor’s error, its vendor exchange, and retried; unsupported writes disabled with the reason', async () => {
    const { page, problems } = await openPage(true);
    const integration = await syncedBuildium(page, 'Writes Buildium');
    const support = (await api('GET', '/v1/admin/write-support')).body.results as any[];
    const entry = (vendor: string, model: string, operation: string) =>
      support.find((e) => e.integration_vendor === vendor && e.model === model && e.operation === operation);
    const writeStatus = async (rootJobId: string) => (await api('GET', `/v1/admin/write-status/${rootJobId}`)).body;
    const lease = (await api('GET', `/v1/leases?integration_id=${integration.id}&limit=1`)).body.results[0];

    // The access matrix: create and update beside read, as the API says once a check has probed Buildium's
    // writes (SUCCESS: Buildium rejected the probe's empty body, so the key may write).
    await api('POST', `/v1/admin/integrations/${integration.id}/data-access`);
    // Once the whole check ended (as data-access.e2e waits for it): a cell still PROCESSING here would have moved on
    // by the time the page shows it.
    const access = await waitFor(async () => {
      const { data_access_check_in_process: running, models } = (
        await api('GET', `/v1/admin/integrations/${integration.id}/data-access`)
      ).body.result;
      return !running && models.residents.create.status === 'SUCCESS' && models.residents.update.status === 'SUCCESS'
        ? models
        : undefined;
    }, 'the write probes of the data-access check');
    await page.goto(`/#/integrations/${integration.id}`);
    const cellStatus = (cell: any) => (cell.unsupported ? 'UNSUPPORTED' : cell.untested ? 'UNTESTED' : cell.status);
    for (const model of READ_MODELS)
      for (const op of ['create', 'update'])
        await page
          .locator(`[data-testid="access-${model}-${op}"][data-status="${cellStatus(access[model][op])}"]`)
          .waitFor();
    expect(await page.getByTestId('access-residents-create').getAttribute('data-status')).toBe('SUCCESS');

    // New resident: the form offers the fields Buildium's create takes (from write-support), required ones marked.
    await page.goto(`/#/records/residents?integration_id=${integration.id}`);
    await page.getByTestId('record-new').click();
    await page.waitForURL(/#\/records\/residents\/new\?integration_id=/);
    expect(await page.getByTestId('write-integration').inputValue()).toBe(integration.id);
    const create = entry('BUILDIUM', 'residents', 'create');
    const offered = await page
      .locator('[data-testid="write-form"] [data-testid^="write-field-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('name')));
    expect(offered).toEqual(create.fields.map((f: any) => f.name));
    expect(await page.getByTestId('write-field-phone_1_type').evaluate((e) => e.tagName)).toBe('SELECT');
    const fillResident = async (firstName: string) => {
      await page.getByTestId('write-field-lease_id').fill(lease.id);
      await page.getByTestId('write-field-first_name').fill(firstName);
      await page.getByTestId('write-field-last_name').fill('Written');
      await page.getByTestId('write-field-email_1').fill(`${firstName.toLowerCase()}@example.com`);
      await page.getByTestId('write-field-phone_1_type').selectOption('MOBILE');
      await page.getByTestId('write-field-phone_1').fill('5550001111');
      await page.getByTestId('write-field-address_1').fill('1 Dashboard Way');
      await page.getByTestId('write-field-country').fill('US');
    };
    await fillResident('Dana');
    await screenshot(page, '20-write-new-resident');
    await page.getByTestId('write-submit').click();
    const created = page.locator('[data-testid="write-status"][data-status="SUCCESS"]');
    await created.waitFor({ timeout: 30_000 });
    const createJob = (await created.getAttribute('data-job-id'))!;
    const createStatus = await writeStatus(createJob);
    expect(createStatus).toMatchObject({ write_status: 'SUCCESS', errors: [] });
    await page.getByTestId('write-record-link').click();
    await page.waitForURL(new RegExp(`#/records/residents/${createStatus.created_record_id}$`));
    await page.getByTestId('record-title').filter({ hasText: 'Dana Written' }).waitFor();
    expect(await page.locator('[data-field="email_1"]').textContent()).toBe('dana@example.com');
    expect(await page.locator('[data-field="integration_id"]').textContent()).toBe(integration.id);
    await screenshot(page, '21-write-created-resident');

    // Edit: prefilled with the record, only the changed field sent, the new value shown once the vendor has it.
    await page.getByTestId('record-edit').click();
    await page.waitForURL(new RegExp(`#/records/residents/${createStatus.created_record_id}/edit$`));
    expect(await page.getByTestId('write-field-first_name').inputValue()).toBe('Dana');
    expect(await page.getByTestId('write-field-email_1').inputValue()).toBe('dana@example.com');
    await page.getByTestId('write-submit').click();
    await page.getByTestId('write-nothing').waitFor();
    await page.getByTestId('write-field-last_name').fill('Rewritten');
    await page.getByTestId('write-submit').click();
    const updated = page.locator('[data-testid="write-status"][data-status="SUCCESS"]');
    await updated.waitFor({ timeout: 30_000 });
    const updateJob = (await updated.getAttribute('data-job-id'))!;
    await page.getByTestId('write-record-link').click();
    await page.getByTestId('record-title').filter({ hasText: 'Dana Rewritten' }).waitFor();
    expect(await page.locator('[data-field="email_1"]').textContent()).toBe('dana@example.com');
    expect((await api('GET', `/v1/residents/${createStatus.created_record_id}`)).body.results.last_name).toBe(
      'Rewritten',
    );

    // A write the vendor refuses: FAILURE with the vendor's error.
    await sandboxControl(`${app.url}/sandbox/buildium`)('POST', 'faults', {
      path: '/v1/leases/tenants',
      method: 'POST',
      status: 422,
      times: 1,
    });
    await page.goto(`/#/records/residents/new?integration_id=${integration.id}`);
    await fillResident('Refused');
    await page.getByTestId('write-submit').click();
    const failed = page.locator('[data-testid="write-status"][data-status="FAILURE"]');
    await failed.waitFor({ timeout: 30_000 });
    const failedJob = (await failed.getAttribute('data-job-id'))!;
    const failure = await writeStatus(failedJob);
    expect(failure.write_status).toBe('FAILURE');
    expect(failure.errors.join(' ')).toMatch(/422.*Injected fault/);
    expect(await page.getByTestId('write-error-item').allTextContents()).toEqual(failure.errors);
    await screenshot(page, '22-write-failed');

    // The write log lists all three, each with its job type, vendor and error.
    await page.getByTestId('write-log-link').click();
    await page.getByTestId('writes-table').waitFor();
    const logs = (await api('GET', '/v1/admin/logs/writes/?time_range=day')).body.results.logs as any[];
    const row = (jobId: string) => page.locator(`[data-testid="write-row"][data-job-id="${jobId}"]`);
    for (const [jobId, status, jobType] of [
      [createJob, 'SUCCESS', 'BUILDIUM_CREATE_RESIDENT'],
      [updateJob, 'SUCCESS', 'BUILDIUM_UPDATE_RESIDENT'],
      [failedJob, 'FAILURE', 'BUILDIUM_CREATE_RESIDENT'],
    ]) {
      expect(await row(jobId).getAttribute('data-status')).toBe(status);
      expect(await row(jobId).getAttribute('data-job-type')).toBe(jobType);
      expect(logs.find((l) => l.job_id === jobId)).toMatchObject({ status, job_type: jobType, vendor: 'BUILDIUM' });
    }
    expect(logs.find((l) => l.job_id === updateJob).parameters).toEqual({ last_name: 'Rewritten' });
    expect(await row(failedJob).getByTestId('write-row-error').textContent()).toBe(
      logs.find((l) => l.job_id === failedJob).error,
    );
    expect(await row(createJob).getByTestId('write-retry').count()).toBe(0);

    // Its vendor exchange: the request sent and the vendor's answer.
    await row(failedJob).getByTestId('write-log-open').click();
    const exchange = JSON.parse((await page.getByTestId('write-log-data').textContent())!);
    expect(exchange.request).toMatchObject({ method: 'POST', path: expect.stringContaining('/v1/leases/tenants') });
    expect(exchange.request.body).toMatchObject({ FirstName: 'Refused' });
    expect(exchange.response.status).toBe(422);
    await screenshot(page, '23-write-log');

    // Retry asks first, warning of a second record, then the write ends SUCCESS and the log shows it.
    await row(failedJob).getByTestId('write-retry').click();
    const confirmation = row(failedJob).getByTestId('write-retry-confirmation');
    expect(await confirmation.textContent()).toMatch(/second record at the vendor/);
    await row(failedJob).getByTestId('write-retry-cancel').click();
    expect(await row(failedJob).getByTestId('write-retry-confirmation').count()).toBe(0);
    await row(failedJob).getByTestId('write-retry').click();
    await row(failedJob).getByTestId('write-retry-confirm').click();
    await page
      .locator('[data-testid="write-retry-status"] [data-testid="write-status"][data-status="SUCCESS"]')
      .waitFor({ timeout: 30_000 });
    expect((await writeStatus(failedJob)).write_status).toBe('SUCCESS');
    await page.locator(`[data-testid="write-row"][data-root-job-id="${failedJob}"][data-status="SUCCESS"]`).waitFor();
    expect(await row(failedJob).getByTestId('write-retry').count()).toBe(0);
    const residents = (await api('GET', `/v1/residents?integration_id=${integration.id}&limit=250`)).body.results;
    expect(residents.filter((r: any) => r.first_name === 'Refused')).toHaveLength(1);
    await screenshot(page, '24-write-retried');
    await page.locator('[data-testid="write-retry-status"] [data-testid="write-record-link"]').click();
    await page.getByTestId('record-title').filter({ hasText: 'Refused Written' }).waitFor();

    // Leases: the New and Edit buttons follow write-support for Buildium (a write not built or lacking: disabled, with why).
    for (const [operation, testid, hash] of [
      ['create', 'record-new', `/#/records/leases?integration_id=${integration.id}`],
      ['update', 'record-edit', `/#/records/leases/${lease.id}`],
    ]) {
      const leaseWrite = entry('BUILDIUM', 'leases', operation);
      await page.goto(hash);
      const button = page.getByTestId(testid);
      await button.waitFor();
      expect(await button.isDisabled()).toBe(!leaseWrite.supported);
      if (!leaseWrite.supported)
        expect(await page.getByTestId(`${testid}-reason`).textContent()).toBe(leaseWrite.message);
    }

    // A vendor without the write: AppFolio cannot create residents, so its New button is disabled with the reason,
    // and the form does not offer it.
    const appfolioId = await createIntegration(page, 'APPFOLIO', 'standard', 'Writes AppFolio');
    const lacking = entry('APPFOLIO', 'residents', 'create');
    expect(lacking).toMatchObject({ supported: false, reason: 'vendor' });
    await page.goto(`/#/records/residents?integration_id=${appfolioId}`);
    const disabled = page.getByTestId('record-new');
    await disabled.waitFor();
    expect(await disabled.isDisabled()).toBe(true);
    expect(await page.getByTestId('record-new-reason').textContent()).toBe(lacking.message);
    await page.goto(`/#/records/residents/new?integration_id=${appfolioId}`);
    await page.getByTestId('write-integration').waitFor();
    expect(await page.getByTestId('write-integration').inputValue()).toBe('');
    expect(await page.locator(`[data-testid="write-integration"] option[value="${appfolioId}"]`).isDisabled()).toBe(
      true,
    );
    expect(await page.getByTestId('write-form').count()).toBe(0);
    await screenshot(page, '25-write-unsupported');
    expect(problems).toEqual([]);
  }, 300_000);
  it('shows service requests, resident charges and resident payments: lists with filters, embedded arrays as tables, cents exact; a resident’s ledger with its totals and one chart point per entry; their Connect streams, access rows and write buttons', async () => {
    const { page, problems } = await openPage(true);

    // Its own integration, never synced: the three models' records are cached as a sync would leave them (through
    // the normaliser), with the resident <-> lease links a sync of residents and leases would write.
    const created = await api('POST', '/v1/admin/integrations/', {
      name: 'Ledger Buildium',
      integration_vendor: 'BUILDIUM',
      credentials: buildium.BUILDIUM_SANDBOX_CREDENTIALS,
      base_url: `${app.url}/sandbox/buildium`,
      max_request_frequency: 100,
    });
    expect(created.status).toBe(200);
    const integrationId: string = created.body.result.id;
    const seed = (model: Parameters<typeof seedCacheRecords>[2], records: SeedRecord[]) =>
      seedCacheRecords(databaseUrl, integrationId, model, records);
    const onProperty = { x_property_id: 'LP-1', property_id: 'pending' };
    [onProperty.property_id] = await seed('properties', [
      { x_id: 'LP-1', values: { x_property_id: 'LP-1', property_id: 'LP-1', name: 'Ledger Court' } },
    ]);
    const [ada, ben, cy] = await seed(
      'residents',
      ['Ada', 'Ben', 'Cy'].map((first) => ({
        x_id: `R-${first}`,
        values: { ...onProperty, first_name: first, last_name: 'Ledger' },
      })),
    );
    const [lease1, lease2, lease3] = await seed(
      'leases',
      ['L-1', 'L-2', 'L-3'].map((x) => ({ x_id: x, values: { ...onProperty, status_normalized: 'ACTIVE' } })),
    );
    await withClient(databaseUrl, async (db) => {
      for (const [residentId, leaseId, xResident, xLease] of [
        [ada, lease1, 'R-Ada', 'L-1'],
        [ben, lease1, 'R-Ben', 'L-1'],
        [ada, lease2, 'R-Ada', 'L-2'],
        [cy, lease3, 'R-Cy', 'L-3'],
      ])
        await db.query(
          `INSERT INTO "residents_to_leases" ("id", "organization_id", "integration_id", "resident_id", "lease_id",
             "x_resident_id", "x_lease_id", "content_hash", "last_seen")
           SELECT $1, "organization_id", "id", $2, $3, $4, $5, 'seeded', now() FROM "integrations" WHERE "id" = $6`,
          [`link-${residentId}-${leaseId}`, residentId, leaseId, xResident, xLease, integrationId],
        );
    });
    const money = (
      x_id: string,
      cents: number,
      raw: string,
      day: string,
      links: { resident_id?: string; lease_id: string },
      more: Record<string, unknown> = {},
    ): SeedRecord => ({
      x_id,
      values: {
        ...onProperty,
        name: x_id,
        amount_in_cents: cents,
        amount_raw: raw,
        transaction_date: `${day}T00:00:00.000Z`,
        post_month: day.slice(0, 7),
        ...links,
        ...more,
      },
    });
    // Ada: her own charges (0.10 + 0.20, a credit), her lease L-2's charge that names no resident (a 9-figure
    // amount) and L-1's shared one; a payment, its reversal, and a payment past what she owes: a credit balance.
    // Ben's own charge and payment on the shared lease L-1, and lease L-3's, are not hers.
    const charges = [
      money('C-10', 10, '0.10', '2026-01-05', { resident_id: ada, lease_id: lease1 }),
      money('C-20', 20, '0.20', '2026-01-05', { resident_id: ada, lease_id: lease1 }),
      money('C-BIG', 123456789012, '1234567890.12', '2026-02-01', { lease_id: lease2 }),
      money('C-CREDIT', -5000, '-50.00', '2026-02-15', { resident_id: ada, lease_id: lease1 }),
      money('C-SHARED', 100000, '1000.00', '2026-03-01', { lease_id: lease1 }),
      money('C-BEN', 77700, '777.00', '2026-01-20', { resident_id: ben, lease_id: lease1 }),
      // Cy: hundreds of entries, more than one page of the API's list.
      ...Array.from({ length: 260 }, (_, i) =>
        money(`C-CY-${i}`, 1234, '12.34', new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10), {
          resident_id: cy,
          lease_id: lease3,
        }),
      ),
    ];
    const [c10, c20] = await seed('resident_charges', charges);
    const allocation = (x_id: string, chargeId: string, xCharge: string, cents: number, raw: string) => ({
      x_id,
      x_source_id: 'P-30',
      x_destination_id: xCharge,
      amount_in_cents: cents,
      amount_raw: raw,
      financial_account_id: null,
      custom_data: null,
      resident_charge_id: chargeId,
      resident_payment_id: null,
    });
    const payments = [
      money(
        'P-30',
        30,
        '0.30',
        '2026-01-10',
        { resident_id: ada, lease_id: lease1 },
        {
          payment_method_raw: 'Check',
          payment_method_normalized: 'CHECK',
          allocations: [allocation('A-1', c10, 'C-10', 10, '0.10'), allocation('A-2', c20, 'C-20', 20, '0.20')],
        },
      ),
      money('P-REV', -30, '-0.30', '2026-01-12', { resident_id: ada, lease_id: lease1 }),
      money('P-BIG', 123456900000, '1234569000.00', '2026-03-05', { lease_id: lease2 }),
      money('P-BEN', 5000, '50.00', '2026-01-21', { resident_id: ben, lease_id: lease1 }),
      ...Array.from({ length: 130 }, (_, i) =>
        money(`P-CY-${i}`, 2000, '20.00', new Date(Date.UTC(2025, 0, 2 + 2 * i)).toISOString().slice(0, 10), {
          resident_id: cy,
          lease_id: lease3,
        }),
      ),
      money('P-L3', 99, '0.99', '2026-01-01', { lease_id: lease3 }),
    ];
    const [p30] = await seed('resident_payments', payments);
    const requests = await seed('service_requests', [
      {
        x_id: 'SR-1',
        values: {
          ...onProperty,
          unit_number: '101',
          date_created: '2026-11-01T08:00:00.000Z',
          service_category: 'Plumbing',
          service_description: 'Leaking faucet',
          service_priority: 'High',
          status_raw: 'Completed',
          vendors: [{ vendor_id: 'V-7' }],
          history: [
            {
              x_id: 'H-1',
              x_created_at: '2026-11-01T09:00:00.000Z',
              notes: 'Plumber called',
              creator_name: 'Pat',
              status_raw: 'Open',
            },
            {
              x_id: 'H-2',
              x_created_at: '2026-11-01T17:00:00.000Z',
              notes: 'Washer replaced',
              creator_name: null,
              status_raw: 'Completed',
            },
          ],
          employees: [{ x_id: 'U-5', name: 'Pat Doe' }],
        },
      },
      {
        x_id: 'SR-2',
        values: { ...onProperty, service_description: 'Broken window', vendors: [{ vendor_id: 'V-8' }] },
      },
      { x_id: 'SR-3', values: { ...onProperty, service_category: 'Pest control', status_raw: 'Open' } },
    ]);

    // Money as dollars from whole cents, exactly.
    await page.goto('/#/integrations');
    expect(
      await page.evaluate(`(async () => {
        const { money } = await import('/dashboard/dom.js');
        return [30, 0.1 * 100 + 0.2 * 100, 0, -1, -12345, 123456789012, Number.MAX_SAFE_INTEGER, null].map(money);
      })()`),
    ).toEqual(['$0.30', '$0.30', '$0.00', '-$0.01', '-$123.45', '$1,234,567,890.12', '$90,071,992,547,409.91', '—']);

    // Service requests: listed, filtered by vendor, and one opened with its vendors, history and employees as tables.
    await page.goto(`/#/records/service_requests?integration_id=${integrationId}`);
    await page.getByTestId('records-table').waitFor();
    expect(await page.getByTestId('records-tab-service_requests').getAttribute('aria-current')).toBe('page');
    const rowIds = () =>
      page.getByTestId('record-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-record-id')));
    expect((await rowIds()).sort()).toEqual([...requests].sort());
    await page.getByTestId('records-filter-vendor_id').fill('V-7');
    await page.getByTestId('records-filter-apply').click();
    await page.waitForURL(/vendor_id=V-7/);
    await page
      .getByTestId('records-total')
      .filter({ hasText: /^1 service requests/ })
      .waitFor();
    expect(await rowIds()).toEqual([requests[0]]);
    expect(await page.locator('[data-testid="record-row"] [data-column="Vendors"]').textContent()).toBe('V-7');
    await page.getByTestId('record-link').click();
    await page.waitForURL(new RegExp(`#/records/service_requests/${requests[0]}$`));
    await page.getByTestId('record-title').filter({ hasText: 'Leaking faucet' }).waitFor();
    const itemTexts = (array: string, field: string) =>
      page.locator(`[data-testid="record-items-${array}"] [data-item-field="${field}"]`).allTextContents();
    expect(await itemTexts('history', 'notes')).toEqual(['Plumber called', 'Washer replaced']);
    expect(await itemTexts('history', 'creator_name')).toEqual(['Pat', 'null']);
    expect(await itemTexts('employees', 'name')).toEqual(['Pat Doe']);
    expect(await itemTexts('vendors', 'vendor_id')).toEqual(['V-7']);
    await screenshot(page, '30-service-request');

    // Charges: amounts exact, a credit named; filtered by resident, by lease, and by a day (the whole day).
    const chargeList = `/#/records/resident_charges?integration_id=${integrationId}`;
    await page.goto(chargeList);
    await page.getByTestId('records-table').waitFor();
    expect(digitsOf((await page.getByTestId('records-total').textContent())!.split(' ')[0])).toBe(
      String(charges.length),
    );
    const amounts = () =>
      page
        .getByTestId('record-row')
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.querySelector('[data-column="Name"]')?.textContent,
            r.querySelector('[data-column="Amount"]')?.textContent,
          ]),
        );
    const filterBy = async (values: Record<string, string>, total: number) => {
      for (const [param, value] of Object.entries(values))
        await page.getByTestId(`records-filter-${param}`).fill(value);
      await page.getByTestId('records-filter-apply').click();
      await page
        .getByTestId('records-total')
        .filter({ hasText: new RegExp(`^${total} `) })
        .waitFor();
    };
    await filterBy({ resident_id: ada }, 3);
    expect((await amounts()).sort()).toEqual([
      ['C-10', '$0.10'],
      ['C-20', '$0.20'],
      ['C-CREDIT', '-$50.00 (credit)'],
    ]);
    await filterBy({ transaction_date_start: '2026-01-05', transaction_date_end: '2026-01-05' }, 2);
    expect((await amounts()).sort()).toEqual([
      ['C-10', '$0.10'],
      ['C-20', '$0.20'],
    ]);
    await page.goto(`${chargeList}&lease_id=${lease2}`);
    await page.getByTestId('records-total').filter({ hasText: /^1 / }).waitFor();
    expect(await amounts()).toEqual([['C-BIG', '$1,234,567,890.12']]);

    // Payments: a reversal named; a payment's allocations as a table, each linking to the charge it pays.
    await page.goto(`/#/records/resident_payments?integration_id=${integrationId}&resident_id=${ada}`);
    await page.getByTestId('records-total').filter({ hasText: /^2 / }).waitFor();
    expect((await amounts()).sort()).toEqual([
      ['P-30', '$0.30'],
      ['P-REV', '-$0.30 (reversal)'],
    ]);
    await page.locator(`[data-testid="record-row"][data-record-id="${p30}"] [data-testid="record-link"]`).click();
    await page.getByTestId('record-title').filter({ hasText: 'P-30' }).waitFor();
    expect(await page.locator('[data-field="amount_in_cents"]').textContent()).toBe('$0.30');
    expect(await itemTexts('allocations', 'amount_in_cents')).toEqual(['$0.10', '$0.20']);
    await screenshot(page, '31-payment-allocations');
    await page
      .locator('[data-testid="record-items-allocations"] [data-item-field="resident_charge_id"] a')
      .first()
      .click();
    await page.waitForURL(new RegExp(`#/records/resident_charges/${c10}$`));
    await page.getByTestId('record-title').filter({ hasText: 'C-10' }).waitFor();
    expect(await page.locator('[data-field="amount_in_cents"]').textContent()).toBe('$0.10');

    // Ada's ledger: her entries and her leases' entries that name no resident, oldest first, with the running
    // balance; the totals exact, the final balance a credit; one chart point per entry, at its balance.
    await page.goto(`/#/records/residents/${ada}`);
    await page.getByTestId('ledger-table').waitFor();
    const ledgerRows = () =>
      page
        .getByTestId('ledger-row')
        .evaluateAll((rows) =>
          rows.map((r) => [
            r.querySelector('a')?.textContent,
            r.querySelector('[data-column="Type"]')?.textContent,
            r.lastElementChild?.textContent,
          ]),
        );
    expect(await ledgerRows()).toEqual([
      ['C-10', 'Charge', '$0.10'],
      ['C-20', 'Charge', '$0.30'],
      ['P-30', 'Payment', '$0.00'],
      ['P-REV', 'Reversal', '$0.30'],
      ['C-BIG', 'Charge', '$1,234,567,890.42'],
      ['C-CREDIT', 'Credit', '$1,234,567,840.42'],
      ['C-SHARED', 'Charge', '$1,234,568,840.42'],
      ['P-BIG', 'Payment', '-$159.58 (credit)'],
    ]);
    expect(await page.getByTestId('ledger-total-charges').textContent()).toBe('$1,234,568,840.42');
    expect(await page.getByTestId('ledger-total-payments').textContent()).toBe('$1,234,569,000.00');
    expect(await page.getByTestId('ledger-balance').textContent()).toBe('-$159.58 (credit)');
    const points = () =>
      page.locator('[data-testid="ledger-chart-svg"] circle.point').evaluateAll((dots) =>
        dots.map((d) => ({
          cents: d.getAttribute('data-balance-cents'),
          cx: Number(d.getAttribute('cx')),
          cy: Number(d.getAttribute('cy')),
        })),
      );
    const adaPoints = await points();
    expect(adaPoints.map((p) => p.cents)).toEqual([
      '10',
      '30',
      '0',
      '30',
      '123456789042',
      '123456784042',
      '123456884042',
      '-15958',
    ]);
    // Placed left to right, inside the plot, the credit below the zero line and the peak at the top.
    const zero = Number(await page.locator('[data-testid="ledger-chart-svg"] line.zero').getAttribute('y1'));
    expect(adaPoints.every((p, i) => i === 0 || p.cx > adaPoints[i - 1].cx)).toBe(true);
    expect(adaPoints.every((p) => p.cy >= 0 && p.cy <= 220)).toBe(true);
    expect(adaPoints[7].cy).toBeGreaterThan(zero);
    expect(adaPoints[2].cy).toBeCloseTo(zero);
    expect(Math.min(...adaPoints.map((p) => p.cy))).toBe(adaPoints[6].cy);
    await screenshot(page, '32-resident-ledger');

    // Cy's ledger: hundreds of entries, beyond one page of the API, each a point; totals as the sums of the cents.
    await page.goto(`/#/records/residents/${cy}`);
    await page.getByTestId('ledger-table').waitFor();
    const cyCharges = charges.filter((c) => c.values.resident_id === cy || c.values.lease_id === lease3);
    const cyPayments = payments.filter((p) => p.values.resident_id === cy || p.values.lease_id === lease3);
    const sum = (records: SeedRecord[]) =>
      records.reduce((total, r) => total + BigInt(r.values.amount_in_cents as number), 0n);
    expect(await page.getByTestId('ledger-row').count()).toBe(cyCharges.length + cyPayments.length);
    expect(await page.getByTestId('ledger-total-charges').getAttribute('data-cents')).toBe(String(sum(cyCharges)));
    expect(await page.getByTestId('ledger-total-payments').getAttribute('data-cents')).toBe(String(sum(cyPayments)));
    expect(await page.getByTestId('ledger-balance').getAttribute('data-cents')).toBe(
      String(sum(cyCharges) - sum(cyPayments)),
    );
    expect(await page.getByTestId('ledger-balance').textContent()).toBe('$607.41');
    const cyPoints = await points();
    expect(cyPoints).toHaveLength(cyCharges.length + cyPayments.length);
    expect(cyPoints.at(-1)!.cents).toBe(String(sum(cyCharges) - sum(cyPayments)));
    expect(cyPoints.every((p, i) => i === 0 || p.cx > cyPoints[i - 1].cx)).toBe(true);
    await screenshot(page, '33-resident-ledger-hundreds');

    // A lease's ledger: every entry of the lease, whichever resident it names (Ben's too).
    await page.goto(`/#/records/leases/${lease1}`);
    await page.getByTestId('ledger-table').waitFor();
    expect((await ledgerRows()).map(([name]) => name)).toEqual([
      'C-10',
      'C-20',
      'P-30',
      'P-REV',
      'C-BEN',
      'P-BEN',
      'C-CREDIT',
      'C-SHARED',
    ]);
    expect(await page.getByTestId('ledger-total-charges').textContent()).toBe('$1,727.30');
    expect(await page.getByTestId('ledger-total-payments').textContent()).toBe('$50.00');
    expect(await page.getByTestId('ledger-balance').textContent()).toBe('$1,677.30');
    expect(await page.locator('[data-testid="ledger-chart-svg"] circle.point').count()).toBe(8);

    // The data-access matrix has a row for each model, the three among them.
    await page.goto(`/#/integrations/${integrationId}`);
    for (const model of ['service_requests', 'resident_charges', 'resident_payments'])
      await page.locator(`[data-testid="access-matrix"] tr[data-model="${model}"]`).waitFor();

    // New and Edit follow write-support for the three (no form of their own): disabled with the reason where the
    // vendor's write is not there, absent where the model has no such write (a charge has no update).
    const support = (await api('GET', '/v1/admin/write-support')).body.results as any[];
    const entry = (model: string, operation: string) =>
      support.find((e) => e.integration_vendor === 'BUILDIUM' && e.model === model && e.operation === operation);
    for (const [model, recordId] of [
      ['service_requests', requests[0]],
      ['resident_charges', c10],
      ['resident_payments', p30],
    ]) {
      for (const [operation, testid, hash] of [
        ['create', 'record-new', `/#/records/${model}?integration_id=${integrationId}`],
        ['update', 'record-edit', `/#/records/${model}/${recordId}`],
      ]) {
        const write = entry(model, operation);
        await page.goto(hash);
        await page.getByTestId(operation === 'create' ? 'records-table' : 'record-fields').waitFor();
        const button = page.getByTestId(testid);
        if (!write) {
          await page.locator('[data-testid="record-writes"][data-loaded]').waitFor({ state: 'attached' });
          expect([model, operation, await page.getByTestId('record-writes').locator('button').count()]).toEqual([
            model,
            operation,
            0,
          ]);
          continue;
        }
        await button.waitFor();
        expect([model, operation, await button.isDisabled()]).toEqual([model, operation, !write.supported]);
        if (!write.supported) expect(await page.getByTestId(`${testid}-reason`).textContent()).toBe(write.message);
      }
    }

    // Connect offers the three as streams, under the names the API takes.
    const warehouse = await api('POST', '/v1/connect/destinations', {
      name: 'ledger warehouse',
      type: 'postgres',
      connection_url: await createTestDatabase(),
    });
    expect(warehouse.status).toBe(201);
    await page.goto('/#/connect');
    await page.getByTestId('new-connection-form').waitFor();
    await page.getByTestId('new-connection-name').fill('Ledger streams');
    await page.getByTestId('new-connection-integration').selectOption(integrationId);
    await page.getByTestId('new-connection-destination').selectOption(warehouse.body.result.id);
    const streams = ['service_requests', 'resident_charges', 'resident_payments'];
    for (const stream of streams) await page.getByTestId(`new-connection-stream-${stream}`).check();
    await page.getByTestId('create-connection-submit').click();
    await page.waitForURL(/#\/connect\/connections\/[^/]+$/);
    await page.getByTestId('connection-streams-table').waitFor();
    const connectionId = decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
    const connection = (await api('GET', `/v1/connect/connections/${connectionId}`)).body.results;
    expect(connection.streams.map((st: any) => st.name).sort()).toEqual([...streams].sort());
    expect(
      await page
        .locator('[data-testid="connection-streams-table"] tr[data-stream]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stream'))),
    ).toEqual(connection.streams.map((st: any) => st.name));
    expect(problems).toEqual([]);
  }, 240_000);
});
