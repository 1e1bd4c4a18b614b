import { CANONICAL_MODELS, type CanonicalModelName } from '../../src/catalogue/canonical-models';
import { toCanonicalRecord } from '../../src/normalise/canonical-record';
import { jobMappingContext } from '../../src/normalise/page-normaliser';
import { recordId } from '../../src/platform/common/ids';
import { withClient } from './database';

/** A record as a vendor mapping would give it: its vendor id and canonical field values. */
export interface SeedRecord {
  x_id: string;
  values: Record<string, unknown>;
}

/**
 * Writes records of a model into an integration's cache as a sync would leave them: completed and type-checked by
 * the normaliser (nulls, the never-null arrays, the content hash, our id), one row each. For the models no vendor
 * maps yet (issue 21), so the read API, Connect and the integration delete can be proved on rows of them. Returns
 * the records' ids, in order.
 */
export async function seedCacheRecords(
  databaseUrl: string,
  integrationId: string,
  model: CanonicalModelName,
  records: SeedRecord[],
): Promise<string[]> {
  const ctx = jobMappingContext(integrationId);
  const canonical = records.map((record) => toCanonicalRecord(model, record, ctx));
  const fields = Object.entries(CANONICAL_MODELS[model].fields);
  const columns = ['id', 'organization_id', 'integration_id', 'integration_vendor', 'x_id', 'content_hash'];
  await withClient(databaseUrl, async (db) => {
    const { rows } = await db.query<{ organization_id: string; vendor: string }>(
      'SELECT "organization_id", "vendor" FROM "integrations" WHERE "id" = $1',
      [integrationId],
    );
    const [{ organization_id, vendor }] = rows;
    for (const record of canonical) {
      const values = [
        record.id,
        organization_id,
        integrationId,
        vendor,
        record.x_id,
        record.hash,
        // jsonb as JSON text (pg would send a JS array as a PostgreSQL array); cents as text, exact past 2^31.
        ...fields.map(([field, type]) => {
          const value = record.values[field];
          if (value === null) return null;
          return type === 'jsonb' ? JSON.stringify(value) : type === 'cents' ? (value as number).toString() : value;
        }),
      ];
      const names = [...columns, ...fields.map(([field]) => field)];
      await db.query(
        `INSERT INTO "${CANONICAL_MODELS[model].table}" (${names.map((n) => `"${n}"`).join(', ')}, "last_seen")
         VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, now())`,
        values,
      );
    }
  });
  return canonical.map((record) => record.id);
}

/** The property the samples are about (any cached property of the integration), by our id and the vendor's. */
export interface SampleProperty {
  id: string;
  x_id: string;
}

/**
 * Sample records of each model no vendor maps yet, shaped as the spec's records (every embedded array filled
 * once), with money that floats would not keep: 0.10 + 0.20 dollars, the largest exact cents, a credit.
 */
export const SAMPLE_RECORDS: Partial<
  Record<CanonicalModelName, (integrationId: string, property: SampleProperty) => SeedRecord[]>
> = {
  service_requests: (integrationId, property) => [
    {
      x_id: 'SR-1',
      values: {
        x_property_id: property.x_id,
        property_id: property.id,
        x_unit_id: 'U-101',
        unit_number: '101',
        access_is_authorized: true,
        date_created: '2026-11-01T08:00:00.000Z',
        service_category: 'Plumbing',
        service_description: 'Leaking faucet',
        service_priority: 'High',
        status_raw: 'Work Completed',
        employee_id: 'emp-5',
        vendors: [{ vendor_id: 'V-7' }],
        history: [
          {
            x_id: 'H-1',
            x_created_at: '2026-11-01T17:00:00.000Z',
            notes: 'Work Completed',
            creator_name: null,
            status_raw: 'Work Completed',
          },
        ],
        employees: [{ x_id: 'U-5', name: 'Pat Doe' }],
      },
    },
    { x_id: 'SR-2', values: { x_property_id: property.x_id, property_id: property.id, status_raw: 'Open' } },
  ],
  resident_charges: (integrationId, property) => [
    {
      x_id: 'C-1',
      values: {
        x_property_id: property.x_id,
        property_id: property.id,
        amount_in_cents: 30,
        amount_raw: '0.30',
        amount_open_in_cents: Number.MAX_SAFE_INTEGER,
        amount_open_raw: '90071992547409.91',
        amount_paid_in_cents: 0,
        amount_paid_raw: '0.00',
        transaction_date: '2026-11-01T00:00:00.000Z',
        post_month: '2026-11',
        is_open: true,
        resident_id: 'res-1',
        lease_id: 'lease-1',
        allocations: [allocation(integrationId)],
      },
    },
    {
      x_id: 'C-2',
      values: {
        x_property_id: property.x_id,
        property_id: property.id,
        amount_in_cents: -12_345,
        amount_raw: '-123.45',
        transaction_date: '2026-10-15T00:00:00.000Z',
      },
    },
  ],
  resident_payments: (integrationId, property) => [
    {
      x_id: 'P-1',
      values: {
        x_property_id: property.x_id,
        property_id: property.id,
        payment_method_raw: 'Check',
        payment_method_normalized: 'CHECK',
        amount_in_cents: 30,
        amount_raw: '0.30',
        transaction_date: '2026-11-01T00:00:00.000Z',
        resident_id: 'res-1',
        lease_id: 'lease-1',
        allocations: [allocation(integrationId)],
      },
    },
  ],
};

/** Payment P-1 paying 30 cents of charge C-1, as a mapping gives it (the ETL adds its id, the read API its times). */
function allocation(integrationId: string): Record<string, unknown> {
  return {
    x_id: 'A-1',
    x_source_id: 'P-1',
    x_destination_id: 'C-1',
    financial_account_id: null,
    amount_in_cents: 30,
    amount_raw: '0.30',
    resident_charge_id: recordId(integrationId, 'resident_charges', 'C-1'),
    resident_payment_id: recordId(integrationId, 'resident_payments', 'P-1'),
    custom_data: null,
  };
}
