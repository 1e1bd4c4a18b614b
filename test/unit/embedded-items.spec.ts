import { CANONICAL_MODELS } from '../../src/catalogue/canonical-models';
import { presentRecord } from '../../src/catalogue/record-presenter';
import { toCanonicalRecord } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { jobMappingContext } from '../../src/normalise/page-normaliser';
import { recordId } from '../../src/platform/common/ids';
import { assertValid } from '../support/propexo-schema';

const ctx = jobMappingContext('int_1');
const required = { x_property_id: 'B1', property_id: 'prop_1' };
const T0 = new Date('2026-11-02T09:30:00.000Z');
const T1 = new Date('2026-12-01T10:00:00.000Z');

/** A cache row as the cache writes it: the normalised record's values plus the system columns. */
function row(record: ReturnType<typeof toCanonicalRecord>, updatedAt = T1) {
  return {
    id: record.id,
    x_id: record.x_id,
    ...record.values,
    created_at: T0,
    updated_at: updatedAt,
    last_seen: updatedAt,
    integration_id: 'int_1',
    integration_vendor: 'YARDI',
    deleted_at: null,
  };
}

const listOf = (record: Record<string, unknown>) => ({
  meta: { offset: 0, limit: 1, orderBy: [{ field: 'created_at', direction: 'desc' }], hasMore: false, total: 1 },
  results: [record],
});

const request = (history: unknown[]) =>
  toCanonicalRecord(
    'service_requests',
    {
      x_id: 'SR-9',
      values: {
        ...required,
        history,
        employees: [{ x_id: 'U-5', name: 'Pat Doe' }],
        vendors: [{ vendor_id: 'V-7' }],
      },
    },
    ctx,
  );

const OPENED = { x_id: 'H-1', x_created_at: '2026-11-01T08:00:00.000Z', notes: null, status_raw: 'Open' };

describe('embedded items (service request history and employees, ledger allocations)', () => {
  it('gives each item an id derived from its x_id and names its record, so a re-read item keeps its id', () => {
    const record = request([OPENED]);
    const [item] = record.values.history as Record<string, unknown>[];
    expect(item).toEqual({
      id: recordId('int_1', 'service_requests.history', 'H-1'),
      x_id: 'H-1',
      x_created_at: '2026-11-01T08:00:00.000Z',
      notes: '', // the spec admits no null here
      creator_name: null,
      status_raw: 'Open',
      service_request_id: recordId('int_1', 'service_requests', 'SR-9'),
    });
    expect((record.values.employees as Record<string, unknown>[])[0].id).toBe(
      recordId('int_1', 'service_requests.employees', 'U-5'),
    );
    expect(request([OPENED]).hash).toBe(record.hash);
    expect(request([OPENED, { ...OPENED, x_id: 'H-2', status_raw: 'Work Completed' }]).hash).not.toBe(record.hash);
  });

  it('quarantines an item of the wrong type or with no x_id, and refuses item fields a mapping must not set', () => {
    expect(() => request([{ ...OPENED, x_created_at: 'yesterday' }])).toThrow(MalformedRecordError);
    expect(() => request([{ ...OPENED, x_id: undefined }])).toThrow(/no x_id/);
    expect(() => request(['H-1'])).toThrow(MalformedRecordError);
    expect(() =>
      toCanonicalRecord('service_requests', { x_id: 'SR-9', values: { ...required, vendors: [{}] } }, ctx),
    ).toThrow(/no vendor_id/);
    expect(() => request({ H: 1 } as unknown as unknown[])).toThrow(/not an array/);
    expect(() => request([{ ...OPENED, id: 'mine' }])).toThrow(/Mapping bug/);
    expect(() => request([{ ...OPENED, service_request_id: 'x' }])).toThrow(/Mapping bug/);
  });

  it('reads items with the record’s times, in the spec’s order, valid against the spec; events leave the times out', () => {
    const record = request([OPENED]);
    const read = presentRecord('service_requests', row(record), { stampItems: true });
    const [history] = read.history as Record<string, unknown>[];
    expect(Object.keys(history)).toEqual(Object.keys(CANONICAL_MODELS.service_requests.embeddedItems!.history.fields));
    expect(history).toMatchObject({ created_at: T0.toISOString(), updated_at: T1.toISOString() });
    assertValid('_v1_service-requests__get_output', listOf(read));

    // Events and diffs: a later sync that changed nothing in the item reports nothing about it.
    const before = presentRecord('service_requests', row(record, T0));
    const after = presentRecord('service_requests', row(record, T1));
    expect(before.history).toEqual(after.history);
    expect(Object.keys((after.history as object[])[0])).not.toContain('updated_at');
  });

  it('completes allocations on charges and payments, linking both sides by our ids, cents exact', () => {
    const allocation = {
      x_id: 'A-1',
      x_source_id: 'P-1',
      x_destination_id: 'C-1',
      amount_in_cents: 30,
      amount_raw: '0.30',
      resident_charge_id: ctx.ref('resident_charges', 'C-1'),
      resident_payment_id: ctx.ref('resident_payments', 'P-1'),
    };
    for (const model of ['resident_charges', 'resident_payments'] as const) {
      const record = toCanonicalRecord(model, { x_id: 'X', values: { ...required, allocations: [allocation] } }, ctx);
      const read = presentRecord(model, row(record), { stampItems: true });
      assertValid(`_v1_${CANONICAL_MODELS[model].path}__get_output`, listOf(read));
      expect((read.allocations as Record<string, unknown>[])[0]).toMatchObject({
        id: recordId('int_1', `${model}.allocations`, 'A-1'),
        amount_in_cents: 30,
        financial_account_id: null,
        custom_data: null,
        created_at: T0.toISOString(),
      });
      expect(() =>
        toCanonicalRecord(
          model,
          { x_id: 'X', values: { ...required, allocations: [{ ...allocation, amount_in_cents: 0.1 + 0.2 }] } },
          ctx,
        ),
      ).toThrow(MalformedRecordError);
    }
  });
});
