import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import {
  FOREIGN_CREDENTIALS,
  startForeignBuildiumServer,
  type ForeignBuildiumServer,
  type ForeignRequestLog,
} from '../support/foreign-buildium-server';
import { assertValid } from '../support/propexo-schema';
import {
  authHeader,
  createIntegration,
  day,
  eventsOf,
  manualSync,
  quarantined,
  readAll,
  readUnknownValues,
  startSyncHarness,
  vendorModels,
  waitForFirstSync,
  type SyncHarness,
} from '../support/sync-helpers';
import { startWebhookReceiver } from '../support/webhook-receiver';

/**
 * The Buildium adapter against a server that is not ours: written from docs/vendors/buildium.md and the
 * Buildium OpenAPI alone, with data the project has never seen, small page caps and a 429 every 7th request.
 */

const BUILDIUM_SPEC = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../../docs/reference/buildium-openapi.json'), 'utf8'),
);

/** Follows `$ref` and single-`allOf` wrappers to the schema that has the properties. */
function resolveSchema(schema: any): any {
  let s = schema;
  for (;;) {
    if (s?.$ref) s = BUILDIUM_SPEC.components.schemas[String(s.$ref).split('/').pop()!];
    else if (Array.isArray(s?.allOf) && s.allOf.length === 1 && !s.properties) s = s.allOf[0];
    else return s;
  }
}

/**
 * The spec has no `nullable`, but some descriptions say "Null if …" (and real Buildium sends null there).
 * Drops exactly those nulls, failing on a null anywhere else, so the rest can be validated strictly.
 */
function withoutDocumentedNulls(value: unknown, schema: any, where: string): unknown {
  if (Array.isArray(value))
    return value.map((v, i) => withoutDocumentedNulls(v, resolveSchema(schema)?.items, `${where}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const s = resolveSchema(schema);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const prop = s?.properties?.[key];
    if (v === null) {
      if (!/\bNull if\b/.test(prop?.description ?? ''))
        throw new Error(`${where}.${key} is null, which the Buildium spec does not allow there`);
      continue;
    }
    out[key] = prop ? withoutDocumentedNulls(v, prop, `${where}.${key}`) : v; // unknown keys stay for the closed schema to reject
  }
  return out;
}

function assertBuildium(schemaName: string, records: any[]): void {
  for (const record of records) {
    const stripped = withoutDocumentedNulls(
      record,
      { $ref: `#/components/schemas/${schemaName}` },
      `${schemaName}(${record.Id})`,
    );
    assertValid(schemaName, stripped, 'buildium-openapi.json', { closed: true });
  }
}

/** Unlike the shared `digits`, null rather than '' for a number with no digits. */
const digits = (phone: string | null | undefined) =>
  phone ? phone.replace(/\D/g, '').replace(/^1(\d{10})$/, '$1') || null : null;
const blankToNull = (value: string | null | undefined) => (value == null || value.trim() === '' ? null : value.trim());
const cents = (amount: number | null | undefined) => (amount == null ? null : Math.round(amount * 100));
/** Buildium's country enum names → ISO 3166 codes, as our API serves them. */
const COUNTRY_ISO: Record<string, string> = { UnitedStates: 'US', Canada: 'CA' };
const country = (value: string | undefined) => (value == null ? null : COUNTRY_ISO[value]);
/** The phone types with one obvious Propexo counterpart; NotSet and Personal only have to be valid. */
const PHONE_TYPE: Record<string, string> = { Cell: 'MOBILE', Home: 'HOME', Office: 'WORK', Fax: 'FAX', Other: 'OTHER' };
const LEASE_STATUS: Record<string, string> = { Active: 'ACTIVE', Future: 'PENDING', Past: 'INACTIVE' };
const ENDPOINT: Record<string, string> = {
  properties: '/v1/rentals',
  units: '/v1/rentals/units',
  leases: '/v1/leases',
  residents: '/v1/leases/tenants',
};

describe('first sync of the Buildium adapter from a foreign Buildium server', () => {
  let harness: SyncHarness;
  let server: ForeignBuildiumServer;
  const auth = () => authHeader(harness.app);
  let syncedIntegrationId: string;

  beforeAll(async () => {
    server = await startForeignBuildiumServer();
    // No REDIS_URL: the PostgreSQL queue backend.
    harness = await startSyncHarness({
      name: 'foreign-buildium',
      vendor: 'BUILDIUM',
      env: { WEBHOOK_RETRY_SCHEDULE: '1,1,1' },
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await server?.close();
  });

  /** Creates an integration against the foreign server and turns it on (which starts the first sync). */
  async function activate(name: string, credentials: { clientId: string; secret: string }) {
    const id = await createIntegration(harness, name, server.url, credentials);
    const activated = await request(harness.app.url)
      .put(`/v1/admin/integrations/${id}/`)
      .set(auth())
      .send({ active: true });
    expect(activated.status).toBe(200);
    return id;
  }

  it('serves schema-valid data with every awkward case in it (else the sync below would prove less)', () => {
    const { rentals, units, leases, tenants } = server.data;
    assertBuildium('RentalMessage', rentals);
    assertBuildium('RentalUnitMessage', units);
    assertBuildium('LeaseMessage', leases);
    assertBuildium('TenantMessage', tenants);
    expect([rentals.length, units.length, tenants.length]).toEqual([13, 40, 451]);
    // Every RentalType / RentalSubType the spec allows, and one tenant on no lease.
    expect(new Set(rentals.map((r) => r.RentalSubType ?? r.RentalType)).size).toBe(12);
    expect(tenants.filter((t) => t.Leases.length === 0)).toHaveLength(1);
    expect(leases.length).toBeGreaterThanOrEqual(240);
    for (const [model, list] of Object.entries({ properties: rentals, units, leases, residents: tenants })) {
      expect(list.length).toBeGreaterThan(server.pageCap[ENDPOINT[model]]); // several pages per model
      expect(new Set(list.map((r: any) => r.Id)).size).toBe(list.length);
    }
    const ids = (list: any[]) => list.map((r) => r.Id);
    expect(ids(leases)).not.toEqual([...ids(leases)].sort((a, b) => a - b));
    expect(ids(tenants)).not.toEqual([...ids(tenants)].sort((a, b) => a - b));

    const links = leases.flatMap((l) => l.Tenants.map((t: any) => ({ lease: l, link: t })));
    const leasesPerTenant = new Map<number, number>();
    for (const { link } of links) leasesPerTenant.set(link.Id, (leasesPerTenant.get(link.Id) ?? 0) + 1);
    expect(tenants.filter((t) => (leasesPerTenant.get(t.Id) ?? 0) === 0).map((t) => t.LastName)).toEqual(['Ó Dálaigh']);
    expect([...leasesPerTenant.values()].filter((n) => n === 2).length).toBeGreaterThan(0);
    expect(links.some(({ link }) => link.MoveInDate === undefined)).toBe(true);
    expect(leases.some((l) => l.UnitId === undefined)).toBe(true);
    expect(new Set(leases.map((l) => l.LeaseStatus))).toEqual(new Set(['Active', 'Past', 'Future']));
    expect(new Set(leases.map((l) => l.LeaseType))).toEqual(new Set(['None', 'Fixed', 'FixedWithRollover', 'AtWill']));
    expect(leases.some((l) => l.AccountDetails?.Rent === 1234.56)).toBe(true);
    expect(leases.some((l) => l.AccountDetails?.SecurityDeposit === 0)).toBe(true);
    expect(leases.some((l) => l.AccountDetails && l.AccountDetails.SecurityDeposit === null)).toBe(true);
    expect(
      leases.filter((l) => l.LeaseStatus === 'Past').every((l) => l.Tenants.length === 0 || l.MoveOutData?.length > 0),
    ).toBe(true);
    expect(
      leases.some((l) => l.CurrentTenants.length > 0 && l.CurrentTenants.every((t: any) => !('Leases' in t))),
    ).toBe(true);
    expect(tenants.every((t) => t.Leases.every((l: any) => !('CurrentTenants' in l)))).toBe(true);
    const phones = tenants.flatMap((t) => t.PhoneNumbers ?? []);
    expect(new Set(phones.map((p) => p.Type))).toEqual(
      new Set(['Home', 'Office', 'Cell', 'Fax', 'Other', 'NotSet', 'Personal']),
    );
    expect(phones.some((p) => p.Number.startsWith('+1 (415) 555-'))).toBe(true);
    expect(phones.some((p) => /^415\.555\.\d{4}$/.test(p.Number))).toBe(true);
    const names = tenants.flatMap((t) => [t.FirstName, t.LastName]);
    for (const name of ['Zoë', "O'Connor", 'Nguyễn']) expect(names).toContain(name);
    expect(tenants.some((t) => t.Email && t.Email !== t.Email.toLowerCase())).toBe(true);
    expect(tenants.some((t) => t.Address?.AddressLine2 === '')).toBe(true);
    expect(tenants.some((t) => t.Address?.Country === 'Canada')).toBe(true);
  });

  it('syncs everything, paging by offset and backing off on 429, and serves it as the data says', async () => {
    const integrationId = (syncedIntegrationId = await activate('Foreign Buildium', { ...FOREIGN_CREDENTIALS }));
    const delivery = await waitForFirstSync(harness, integrationId, { timeoutMs: 150_000 });
    const log: ForeignRequestLog[] = [...server.log];
    expect(delivery.data).toMatchObject({
      event: 'FIRST_SYNC_COMPLETE',
      vendor: 'BUILDIUM',
      successful_job_count: vendorModels('BUILDIUM').length,
      failed_job_count: 0,
      is_sync_finished: true,
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(eventsOf(harness, integrationId).map((e) => e.trigger)).toEqual(['FIRST_SYNC_COMPLETE']);

    // What the server saw: every model in several pages that together cover it, and throttled requests
    // retried after a pause rather than at once or never.
    const records: Record<string, any[]> = {
      properties: server.data.rentals,
      units: server.data.units,
      leases: server.data.leases,
      residents: server.data.tenants,
    };
    const paging: Record<string, { pages_over_one: boolean; records_covered: number }> = {};
    for (const [model, endpoint] of Object.entries(ENDPOINT)) {
      const pages = log.filter((e) => e.path === endpoint && e.status === 200);
      const covered = new Set<number>();
      for (const p of pages) for (let i = p.offset!; i < p.offset! + p.count; i++) covered.add(i);
      paging[model] = {
        pages_over_one: pages.length > 1,
        records_covered: [...covered].filter((i) => i < records[model].length).length,
      };
    }
    expect(paging).toEqual(
      Object.fromEntries(
        Object.entries(records).map(([m, list]) => [m, { pages_over_one: true, records_covered: list.length }]),
      ),
    );
    const throttled = log.filter((e) => e.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    for (const t of throttled) {
      const retry = log.find((e) => e.n > t.n && e.path === t.path && e.offset === t.offset);
      expect(retry).toBeDefined();
      expect(retry!.at - t.at).toBeGreaterThanOrEqual(150); // Buildium: back off ~200 ms, then exponentially
    }
    expect(log.filter((e) => e.status !== 200 && e.status !== 429)).toEqual([]);

    const { rentals, units, leases } = server.data;
    const tenants = server.data.tenants.filter((t) => t.Leases.length > 0);
    // Every list, each page validated against Propexo's schemas (a resident's property_id is never null).
    const properties = await readAll(harness.app, 'properties', integrationId);
    const cachedUnits = await readAll(harness.app, 'units', integrationId);
    const residents = await readAll(harness.app, 'residents', integrationId);
    const cachedLeases = await readAll(harness.app, 'leases', integrationId);
    expect([properties.length, cachedUnits.length, residents.length, cachedLeases.length]).toEqual([
      rentals.length,
      units.length,
      tenants.length,
      leases.length,
    ]);
    // The tenant on no lease has no property at Buildium: quarantined, with the reason.
    const quarantine = await request(harness.app.url)
      .get(`/v1/admin/integrations/${integrationId}/quarantine`)
      .set(auth());
    expect(quarantined(quarantine.body)).toEqual([['residents', '4399001']]);
    expect(quarantine.body.results[0].reason).toMatch(/on no lease/);
    // Each rental kind maps deliberately; no value was unknown to the tables.
    const kind: Record<string, string> = {
      MultiFamily: 'MULTI_FAMILY',
      SingleFamily: 'SINGLE_FAMILY',
      CondoTownhome: 'MULTI_FAMILY',
      Industrial: 'COMMERCIAL',
      Office: 'COMMERCIAL',
      Retail: 'COMMERCIAL',
      ShoppingCenter: 'COMMERCIAL',
      Storage: 'COMMERCIAL',
      ParkingSpace: 'COMMERCIAL',
      Residential: 'OTHER',
      Commercial: 'COMMERCIAL',
      None: 'OTHER',
    };
    for (const r of rentals)
      expect([r.Name, properties.find((p) => p.x_id === String(r.Id)).type_normalized]).toEqual([
        r.Name,
        kind[r.RentalSubType ?? r.RentalType],
      ]);
    expect(await readUnknownValues(harness.app, integrationId)).toEqual([]);

    const propertyByXId = new Map(properties.map((p) => [p.x_id, p]));
    const unitByXId = new Map(cachedUnits.map((u) => [u.x_id, u]));
    const residentByXId = new Map(residents.map((r) => [r.x_id, r]));
    const leaseByXId = new Map(cachedLeases.map((l) => [l.x_id, l]));

    expect(properties.map((p) => p.x_id).sort()).toEqual(rentals.map((r) => String(r.Id)).sort());
    for (const rental of rentals) {
      const p = propertyByXId.get(String(rental.Id));
      expect({
        x_id: p.x_id,
        name: p.name,
        address_1: p.address_1,
        address_2: p.address_2,
        city: p.city,
        state: p.state,
        zip: p.zip,
        country: p.country,
        is_active: p.is_active,
      }).toEqual({
        x_id: String(rental.Id),
        name: rental.Name,
        address_1: rental.Address.AddressLine1,
        address_2: blankToNull(rental.Address.AddressLine2),
        city: rental.Address.City,
        state: rental.Address.State,
        zip: rental.Address.PostalCode,
        country: country(rental.Address.Country),
        is_active: rental.IsActive,
      });
    }

    for (const unit of units) {
      const u = unitByXId.get(String(unit.Id));
      expect(u).toBeDefined();
      expect(u.x_property_id).toBe(String(unit.PropertyId));
      expect(u.property_id).toBe(propertyByXId.get(String(unit.PropertyId)).id);
      expect(u.number).toBe(unit.UnitNumber);
      expect(u.rent_amount_market_in_cents).toBe(cents(unit.MarketRent));
      expect(u.address_2).toBe(blankToNull(unit.Address.AddressLine2));
      expect(u.country).toBe(country(unit.Address.Country));
    }

    for (const lease of leases) {
      const l = leaseByXId.get(String(lease.Id));
      expect(l).toBeDefined();
      const got = {
        x_id: l.x_id,
        x_property_id: l.x_property_id,
        property_id: l.property_id,
        x_unit_id: l.x_unit_id,
        unit_id: l.unit_id,
        status_raw: l.status_raw,
        status_normalized: l.status_normalized,
        rent: l.rent_amount_in_cents,
        deposit: l.deposit_amount_in_cents,
        start: day(l.start_date),
        end: day(l.end_date),
        residents: l.residents_meta_data.map((m: any) => residents.find((r) => r.id === m.resident_id)?.x_id).sort(),
      };
      expect(got).toEqual({
        x_id: String(lease.Id),
        x_property_id: String(lease.PropertyId),
        property_id: propertyByXId.get(String(lease.PropertyId)).id,
        x_unit_id: lease.UnitId == null ? null : String(lease.UnitId),
        unit_id: lease.UnitId == null ? null : unitByXId.get(String(lease.UnitId)).id,
        status_raw: lease.LeaseStatus,
        status_normalized: LEASE_STATUS[lease.LeaseStatus],
        rent: cents(lease.AccountDetails?.Rent),
        deposit: cents(lease.AccountDetails?.SecurityDeposit),
        start: lease.LeaseFromDate ?? null,
        end: lease.LeaseToDate ?? null,
        residents: lease.Tenants.map((t: any) => String(t.Id)).sort(),
      });
    }

    for (const tenant of tenants) {
      const r = residentByXId.get(String(tenant.Id));
      expect(r).toBeDefined();
      const phones = (tenant.PhoneNumbers ?? []).filter((p: any) => p.Number.trim() !== '');
      const onLeases = leases.filter((l) => l.Tenants.some((t: any) => t.Id === tenant.Id));
      const got = {
        x_id: r.x_id,
        integration_id: r.integration_id,
        first_name: r.first_name,
        last_name: r.last_name,
        email_1: r.email_1,
        email_2: r.email_2,
        phone_1: digits(r.phone_1),
        phone_2: digits(r.phone_2),
        date_of_birth: day(r.date_of_birth),
        notes: r.notes,
        address_1: r.address_1,
        address_2: r.address_2,
        city: r.city,
        state: r.state,
        zip: r.zip,
        country: r.country,
        address_1_alternate: r.address_1_alternate,
        city_alternate: r.city_alternate,
        zip_alternate: r.zip_alternate,
        country_alternate: r.country_alternate,
        leases: r.leases_meta_data
          .map((m: any) => [cachedLeases.find((l) => l.id === m.lease_id)?.x_id, day(m.move_in_date)])
          .sort(),
      };
      expect(got).toEqual({
        x_id: String(tenant.Id),
        integration_id: integrationId,
        first_name: tenant.FirstName ?? null,
        last_name: tenant.LastName ?? null,
        email_1: tenant.Email ? tenant.Email.toLowerCase() : null,
        email_2: tenant.AlternateEmail ? tenant.AlternateEmail.toLowerCase() : null,
        phone_1: digits(phones[0]?.Number),
        phone_2: digits(phones[1]?.Number),
        date_of_birth: tenant.DateOfBirth ?? null,
        notes: blankToNull(tenant.Comment),
        address_1: tenant.Address?.AddressLine1 ?? null,
        address_2: blankToNull(tenant.Address?.AddressLine2),
        city: tenant.Address?.City ?? null,
        state: tenant.Address?.State ?? null,
        zip: tenant.Address?.PostalCode ?? null,
        country: country(tenant.Address?.Country),
        address_1_alternate: tenant.AlternateAddress?.AddressLine1 ?? null,
        city_alternate: tenant.AlternateAddress?.City ?? null,
        zip_alternate: tenant.AlternateAddress?.PostalCode ?? null,
        country_alternate: country(tenant.AlternateAddress?.Country),
        leases: onLeases
          .map((l) => [String(l.Id), l.Tenants.find((t: any) => t.Id === tenant.Id).MoveInDate ?? null])
          .sort(),
      });
      for (const [i, p] of phones.slice(0, 2).entries()) {
        const type = r[`phone_${i + 1}_type`];
        if (PHONE_TYPE[p.Type]) expect([p.Type, type]).toEqual([p.Type, PHONE_TYPE[p.Type]]);
        else expect(['FAX', 'HOME', 'MOBILE', 'OTHER', 'WORK']).toContain(type);
      }
      // The resident's property is one they hold a lease on.
      expect(onLeases.map((l) => propertyByXId.get(String(l.PropertyId)).id)).toContain(r.property_id);
    }

    const integration = await request(harness.app.url).get(`/v1/admin/integrations/${integrationId}/`).set(auth());
    expect(integration.body.results).toMatchObject({ can_authenticate: true, is_running_sync: false });
  });

  it('with a wrong secret: can_authenticate false, a JOB_FAILURE per model and a FIRST_SYNC_COMPLETE with every job failed', async () => {
    const from = server.requests;
    const integrationId = await activate('Foreign Buildium, wrong secret', {
      clientId: FOREIGN_CREDENTIALS.clientId,
      secret: 'foreign-secret-WRONG',
    });
    const complete = await waitForFirstSync(harness, integrationId, { timeoutMs: 120_000 });
    expect(complete.data).toMatchObject({
      event: 'FIRST_SYNC_COMPLETE',
      successful_job_count: 0,
      failed_job_count: vendorModels('BUILDIUM').length,
      is_sync_finished: true,
    });
    await new Promise((r) => setTimeout(r, 1000));

    // Completion events are delivered after the integration's earlier events, so the failures are all here.
    const failures = eventsOf(harness, integrationId, 'JOB_FAILURE');
    expect(failures).toHaveLength(vendorModels('BUILDIUM').length);
    for (const f of failures) {
      expect(f.data).toMatchObject({
        event: 'JOB_FAILURE',
        integration_id: integrationId,
        vendor: 'BUILDIUM',
        root_job_id: complete.data.sync_id,
      });
      expect(f.data.error).toMatch(/401/);
    }
    expect(new Set(failures.map((f) => f.data.job_id)).size).toBe(vendorModels('BUILDIUM').length);
    expect(
      eventsOf(harness, integrationId)
        .map((e) => e.trigger)
        .filter((t) => t !== 'JOB_FAILURE'),
    ).toEqual(['FIRST_SYNC_COMPLETE']);

    // The server refused every request (each job once: a refused credential is not retried) and served nothing.
    const seen = server.log.slice(from);
    expect(seen.filter((e) => e.status === 200)).toEqual([]);
    // Each job's first request: its own list; the ledger jobs list the leases first.
    const firstRequest: Record<string, string> = {
      ...ENDPOINT,
      service_requests: '/v1/tasks/residentrequests',
      resident_charges: ENDPOINT.leases,
      resident_payments: ENDPOINT.leases,
    };
    expect(Object.keys(firstRequest).sort()).toEqual(vendorModels('BUILDIUM'));
    expect(seen.filter((e) => e.status === 401)).toHaveLength(Object.keys(firstRequest).length);
    expect(new Set(seen.filter((e) => e.status === 401).map((e) => e.path))).toEqual(
      new Set(Object.values(firstRequest)),
    );

    const integration = await request(harness.app.url).get(`/v1/admin/integrations/${integrationId}/`).set(auth());
    expect(integration.body.results).toMatchObject({
      can_authenticate: false,
      is_running_sync: false,
      last_completed_sync: null,
    });
    for (const model of Object.keys(ENDPOINT)) expect(await readAll(harness.app, model, integrationId)).toEqual([]);

    // A first sync that got nothing completed nothing: with the secret fixed, asking again runs it anew.
    expect(
      (
        await request(harness.app.url)
          .put(`/v1/admin/integrations/${integrationId}/`)
          .set(auth())
          .send({ credentials: FOREIGN_CREDENTIALS })
      ).status,
    ).toBe(200);
    expect(
      (await request(harness.app.url).post(`/v1/admin/integrations/${integrationId}/manual-sync`).set(auth()).send({}))
        .status,
    ).toBe(200);
    const retried = await waitForFirstSync(harness, integrationId, { nth: 1, timeoutMs: 120_000 });
    expect(retried.data).toMatchObject({ successful_job_count: vendorModels('BUILDIUM').length, failed_job_count: 0 });
    expect(await readAll(harness.app, 'residents', integrationId)).toHaveLength(server.data.tenants.length - 1); // one is on no lease
    expect(eventsOf(harness, integrationId).filter((e) => e.trigger.startsWith('DATA_'))).toEqual([]);
  });

  it('reports what later changed at this server: one event per new, changed and vanished resident', async () => {
    const changes = await startWebhookReceiver();
    try {
      const hook = await request(harness.app.url)
        .post('/v1/webhooks/')
        .set(auth())
        .send({
          url: changes.url,
          model: 'residents',
          integration_id: syncedIntegrationId,
          triggers: ['DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED', 'SYNC_COMPLETE'],
          active: true,
        });
      expect(hook.status).toBe(200);
      const tenants = server.data.tenants;
      const renamed = tenants.slice(0, 5).map((t, i) => ({ tenant: t, before: t.FirstName, after: `Changed${i}` }));
      for (const r of renamed) r.tenant.FirstName = r.after;
      const removed = tenants.splice(10, 2);
      const { CurrentTenants: _omit, ...lease } = server.data.leases[0]!;
      const added = [1, 2].map((i) => ({
        Id: 4_499_000 + i,
        FirstName: `Added${i}`,
        LastName: 'Foreign',
        PhoneNumbers: [],
        Leases: [lease],
      }));
      tenants.push(...added);

      const { events } = await manualSync(harness, syncedIntegrationId, {
        body: { models_to_sync: ['residents'] },
        receiver: changes,
        timeoutMs: 120_000,
      });
      expect(events[events.length - 1].trigger).toBe('SYNC_COMPLETE');
      const byTrigger = (t: string) => events.filter((e) => e.trigger === t);
      expect(
        byTrigger('DATA_NEW')
          .map((e) => e.data.payload.x_id)
          .sort(),
      ).toEqual(added.map((t) => String(t.Id)).sort());
      expect(
        byTrigger('DATA_DELETED')
          .map((e) => e.data.payload.x_id)
          .sort(),
      ).toEqual(removed.map((t) => String(t.Id)).sort());
      const updates = byTrigger('DATA_UPDATE');
      expect(updates).toHaveLength(5);
      for (const e of updates) {
        const r = renamed.find((x) => String(x.tenant.Id) === e.data.payload.x_id)!;
        expect(e.data.diff).toEqual({ new: { first_name: r.after }, previous: { first_name: r.before } });
      }
    } finally {
      await changes.close();
    }
  });
});
