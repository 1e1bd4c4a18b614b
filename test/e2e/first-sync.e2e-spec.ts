import { createHmac, timingSafeEqual } from 'node:crypto';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { startApp, testRedisUrl, waitFor, type AppProcess } from '../support/app-process';
import { createTestDatabase, pipelineState } from '../support/database';
import { assertValid } from '../support/propexo-schema';
import { day, digits, quarantined, readAll, vendorModels } from '../support/sync-helpers';
import { startWebhookReceiver } from '../support/webhook-receiver';

const CREDENTIALS = { clientId: 'e2e-client', secret: 'e2e-secret' };

describe.each([['PostgreSQL'], ['Redis']])(
  'first sync from a Buildium server to FIRST_SYNC_COMPLETE (%s queue)',
  (backend) => {
    let app: AppProcess;
    let sandbox: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
    let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let databaseUrl: string;

    beforeAll(async () => {
      sandbox = await startBuildiumSandboxServer({
        residents: 1300,
        seed: 42,
        credentials: [CREDENTIALS],
        tenantsOnNoLease: 7,
      });
      receiver = await startWebhookReceiver();
      app = await startApp({
        name: `first-sync-${backend}`,
        env: {
          DATABASE_URL: (databaseUrl = await createTestDatabase()),
          REDIS_URL: backend === 'Redis' ? await testRedisUrl() : undefined,
          WEBHOOK_RETRY_SCHEDULE: '1,1,1',
        },
      });
    });

    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
      await sandbox?.close();
    });

    it('syncs every record, sends one signed FIRST_SYNC_COMPLETE and serves the records as the spec describes', async () => {
      const auth = { authorization: `Bearer ${app.apiKey}` };
      const webhook = await request(app.url)
        .post('/v1/webhooks/')
        .set(auth)
        .send({
          url: receiver.url,
          triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'DATA_NEW', 'DATA_UPDATE'],
          active: true,
        });
      expect(webhook.status).toBe(200);
      assertValid('_v1_webhooks__post_output', webhook.body);
      const secret: string = webhook.body.result.secret;
      expect(secret).toMatch(/^whsec_/);

      const created = await request(app.url).post('/v1/admin/integrations/').set(auth).send({
        name: 'Acme Buildium',
        integration_vendor: 'BUILDIUM',
        credentials: CREDENTIALS,
        base_url: sandbox.url,
        max_request_frequency: 100,
      });
      expect(created.status).toBe(200);
      const integration = created.body.result;
      expect(integration.active).toBe(false);
      expect(JSON.stringify(created.body)).not.toContain(CREDENTIALS.secret);

      // Creating does not sync; turning `active` on does.
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.received).toHaveLength(0);
      const activated = await request(app.url)
        .put(`/v1/admin/integrations/${integration.id}/`)
        .set(auth)
        .send({ active: true });
      expect(activated.status).toBe(200);
      expect(activated.body.result.active).toBe(true);

      const delivery = await waitFor(
        async () => receiver.received.find((r) => r.json?.trigger === 'FIRST_SYNC_COMPLETE'),
        'FIRST_SYNC_COMPLETE',
        120_000,
        () => pipelineState(databaseUrl),
      );

      // Signatures: Propexo's hex HMAC of the raw body, and Standard Webhooks with the standardwebhooks library.
      const expected = createHmac('sha256', secret).update(delivery.body).digest('hex');
      const given = String(delivery.headers['propexo-signature']);
      expect(timingSafeEqual(Buffer.from(given), Buffer.from(expected))).toBe(true);
      const verified = new Webhook(secret).verify(delivery.body, {
        'webhook-id': String(delivery.headers['webhook-id']),
        'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
        'webhook-signature': String(delivery.headers['webhook-signature']),
      });
      expect(verified).toEqual(delivery.json);

      expect(delivery.json).toMatchObject({
        trigger: 'FIRST_SYNC_COMPLETE',
        data: {
          event: 'FIRST_SYNC_COMPLETE',
          integration_id: integration.id,
          vendor: 'BUILDIUM',
          successful_job_count: vendorModels('BUILDIUM').length,
          failed_job_count: 0,
          is_sync_finished: true,
          is_backsync: false,
        },
        meta: { integration_id: integration.id },
      });
      expect([...delivery.json.data.models_synced].sort()).toEqual(vendorModels('BUILDIUM'));

      // Exactly one completion event, and no data events during a first sync.
      await new Promise((r) => setTimeout(r, 1500));
      expect(receiver.received.map((r) => r.json.trigger)).toEqual(['FIRST_SYNC_COMPLETE']);

      const { leases, rentals, units, applicants } = sandbox.sandbox.data;
      const onLease = new Set(leases.flatMap((l: any) => l.Tenants.map((t: any) => t.Id)));
      const tenants = sandbox.sandbox.data.tenants.filter((t: any) => onLease.has(t.Id));
      const residents = await readAll(app, 'residents'); // every page valid against Propexo's schema: property_id is never null
      expect(residents).toHaveLength(tenants.length);
      // A tenant on no lease has no property at Buildium: quarantined with the reason, never written without one.
      const leaseless = sandbox.sandbox.data.tenants
        .filter((t: any) => !onLease.has(t.Id))
        .map((t: any) => String(t.Id));
      expect(leaseless).toHaveLength(7);
      const quarantine = await request(app.url)
        .get(`/v1/admin/integrations/${integration.id}/quarantine`)
        .query({ limit: 100 })
        .set(auth);
      expect(quarantined(quarantine.body)).toEqual(leaseless.map((x: string) => ['residents', x]).sort());
      for (const q of quarantine.body.results)
        expect(q).toMatchObject({ model: 'residents', reason: expect.stringMatching(/on no lease/) });
      // Applicants are Buildium's own resource: none of them is a resident.
      expect(applicants.length).toBeGreaterThan(0);
      const applicantEmails = new Set(applicants.map((a: any) => a.Email));
      expect(residents.filter((r) => applicantEmails.has(r.email_1) || r.x_id.startsWith('8000'))).toEqual([]);
      const residentByXId = new Map(residents.map((r) => [r.x_id, r]));
      const cachedLeases = await readAll(app, 'leases');
      expect(cachedLeases).toHaveLength(leases.length);
      const leaseByXId = new Map(cachedLeases.map((l) => [l.x_id, l]));
      const leaseIdByXId = new Map(cachedLeases.map((l) => [l.x_id, l.id]));

      for (const tenant of tenants) {
        const r = residentByXId.get(String(tenant.Id));
        expect(r).toBeDefined();
        expect(r.integration_id).toBe(integration.id);
        expect(r.integration_vendor).toBe('BUILDIUM');
        expect(r.first_name).toBe(tenant.FirstName ?? null);
        expect(r.last_name).toBe(tenant.LastName ?? null);
        expect(r.email_1).toBe(tenant.Email ? tenant.Email.toLowerCase() : null);
        expect(r.email_2).toBe(tenant.AlternateEmail ? tenant.AlternateEmail.toLowerCase() : null);
        expect(digits(r.phone_1)).toBe(digits(tenant.PhoneNumbers?.[0]?.Number));
        expect(digits(r.phone_2)).toBe(digits(tenant.PhoneNumbers?.[1]?.Number));
        if (tenant.PhoneNumbers?.[0]) expect(['FAX', 'HOME', 'MOBILE', 'OTHER', 'WORK']).toContain(r.phone_1_type);
        expect(day(r.date_of_birth)).toBe(tenant.DateOfBirth ?? null);
        expect(r.address_1).toBe(tenant.Address?.AddressLine1 ?? null);
        expect(r.city).toBe(tenant.Address?.City ?? null);
        expect(r.zip).toBe(tenant.Address?.PostalCode ?? null);
        // leases_meta_data is the resident <-> lease link, from the leases' Tenants[].
        const onLeases = leases.filter((l: any) => (l.Tenants ?? []).some((t: any) => t.Id === tenant.Id));
        expect(r.leases_meta_data.map((m: any) => m.lease_id).sort()).toEqual(
          onLeases.map((l: any) => leaseIdByXId.get(String(l.Id))).sort(),
        );
        for (const meta of r.leases_meta_data) {
          const lease = leases.find((l: any) => leaseIdByXId.get(String(l.Id)) === meta.lease_id);
          const link = lease!.Tenants.find((t: any) => t.Id === tenant.Id);
          expect(day(meta.move_in_date)).toBe(link.MoveInDate ?? null);
          // Extension: the lease's own status, so a resident's standing reads from the resident.
          expect(meta.lease_status_normalized).toBe(leaseByXId.get(String(lease!.Id)).status_normalized);
        }
      }

      const statusMap: Record<string, string> = { Active: 'ACTIVE', Future: 'PENDING', Past: 'INACTIVE' };
      for (const lease of leases) {
        const l = leaseByXId.get(String(lease.Id));
        expect(l).toBeDefined();
        expect(l.x_property_id).toBe(String(lease.PropertyId));
        expect(l.x_unit_id).toBe(lease.UnitId == null ? null : String(lease.UnitId));
        expect(l.status_raw).toBe(lease.LeaseStatus);
        expect(l.status_normalized).toBe(statusMap[lease.LeaseStatus]);
        expect(l.rent_amount_in_cents).toBe(
          lease.AccountDetails?.Rent == null ? null : Math.round(lease.AccountDetails.Rent * 100),
        );
        expect(l.deposit_amount_in_cents).toBe(
          lease.AccountDetails?.SecurityDeposit == null ? null : Math.round(lease.AccountDetails.SecurityDeposit * 100),
        );
        expect(day(l.start_date)).toBe(lease.LeaseFromDate ?? null);
        expect(day(l.end_date)).toBe(lease.LeaseToDate ?? null);
        expect(
          l.residents_meta_data.map((m: any) => residents.find((r) => r.id === m.resident_id)?.x_id).sort(),
        ).toEqual((lease.Tenants ?? []).map((t: any) => String(t.Id)).sort());
      }

      const properties = await readAll(app, 'properties');
      expect(properties.map((p) => p.x_id).sort()).toEqual(rentals.map((r: any) => String(r.Id)).sort());
      // Every RentalType / RentalSubType the spec allows is in this portfolio, and each maps deliberately.
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
      const propertyByXId = new Map(properties.map((p) => [p.x_id, p]));
      for (const r of rentals)
        expect(propertyByXId.get(String(r.Id)).type_normalized).toBe(kind[r.RentalSubType ?? r.RentalType]);
      expect(new Set(rentals.map((r: any) => r.RentalSubType ?? r.RentalType)).size).toBe(Object.keys(kind).length);
      const unknown = await request(app.url).get(`/v1/admin/integrations/${integration.id}/unknown-values`).set(auth);
      expect(unknown.body.results).toEqual([]); // every value of the spec's enums is mapped
      const cachedUnits = await readAll(app, 'units');
      expect(cachedUnits).toHaveLength(units.length);
      const propertyIdByXId = new Map(properties.map((p) => [p.x_id, p.id]));
      for (const u of cachedUnits) expect(u.property_id).toBe(propertyIdByXId.get(u.x_property_id));

      // Get by id: the same envelope with one object, valid against the spec.
      const one = await request(app.url).get(`/v1/residents/${residents[0].id}`).set(auth);
      expect(one.status).toBe(200);
      assertValid('_v1_residents_{id}_get_output', one.body);
      expect(one.body.results).toEqual(residents[0]);
      const oneLease = await request(app.url).get(`/v1/leases/${cachedLeases[0].id}`).set(auth);
      assertValid('_v1_leases_{lease_id}_get_output', oneLease.body);

      // Filters from the spec.
      const byLease = await request(app.url).get('/v1/residents/').query({ lease_id: cachedLeases[0].id }).set(auth);
      expect(byLease.body.results.map((r: any) => r.id).sort()).toEqual(
        cachedLeases[0].residents_meta_data.map((m: any) => m.resident_id).sort(),
      );
      const active = await request(app.url)
        .get('/v1/leases/')
        .query({ status_normalized: 'ACTIVE', limit: 250 })
        .set(auth);
      expect(active.body.meta.total).toBe(leases.filter((l: any) => l.LeaseStatus === 'Active').length);

      const integrationAfter = await request(app.url).get(`/v1/admin/integrations/${integration.id}/`).set(auth);
      expect(integrationAfter.body.results.last_completed_sync).not.toBeNull();
      expect(integrationAfter.body.results.can_authenticate).toBe(true);
      expect(integrationAfter.body.results.is_running_sync).toBe(false);
    });
  },
);
