import type { RawPage, VendorWrite } from '../../src/fetch/adapter/vendor-adapter';
import { VendorRequestError } from '../../src/fetch/adapter/vendor-http';
import {
  decimalAmount,
  entrataParams,
  EntrataWriter,
  mountainDateTime,
  type EntrataCalls,
  type SendOptions,
} from '../../src/fetch/entrata/entrata.writes';

type Json = Record<string, any>;

/** Entrata as the writer sees it: each call recorded with its options, answered by `answer`. */
function fakeCalls(answer: (method: string, params: Json) => Json, pages: Record<string, Json[]> = {}) {
  const sent: Array<{ method: string; params: Json; options: SendOptions | undefined }> = [];
  const calls: EntrataCalls = {
    send: (_service, method, params, options) => {
      sent.push({ method, params, options });
      return Promise.resolve(answer(method, params));
    },
    propertyIds: () => Promise.resolve(['100001']),
    async *propertyPages(model): AsyncIterable<RawPage> {
      yield { records: pages[model] ?? [] };
    },
  };
  return { calls, sent };
}
const charge = (fields: Json): VendorWrite & { model: 'resident_charges' } => ({
  model: 'resident_charges',
  operation: 'create',
  fields: {
    lease_id: '3000004',
    charge_code_id: '2',
    amount_in_cents: -2510,
    transaction_date: '2026-12-01T00:00:00.000Z',
    description: 'Late fee waived',
    ...fields,
  },
});
const transactionAnswer = (status: string, message: string) => ({
  Transactions: { Transaction: { '@attributes': { reference_id: 'k', transaction_id: 'k', status, message } } },
});

describe('Entrata charge creates (sendLeaseArTransactions)', () => {
  it('sends cents as exact decimal text, dates as MM/DD/YYYY, the post month as MM/YYYY, the client key as transactionId', () => {
    expect(
      entrataParams('sendLeaseArTransactions', charge({ post_month: '2026-12', third_party_charge_id: 'ext-9' })),
    ).toEqual({
      transactionId: 'ext-9',
      leaseId: 3000004,
      arCodeId: 2,
      transactionAmount: '-25.10',
      transactionDate: '12/01/2026',
      arPostMonth: '12/2026',
      description: 'Late fee waived',
    });
    expect(
      [5, 30, 100, -1, 123_456_789_01, 9_007_199_254_740_991].map((cents) => decimalAmount(cents, 'amount_in_cents')),
    ).toEqual(['0.05', '0.30', '1.00', '-0.01', '123456789.01', '90071992547409.91']);
    for (const bad of [12.5, 0, Number.NaN, '10.00', 2 ** 60])
      expect(() => decimalAmount(bad, 'amount_in_cents')).toThrow(VendorRequestError);
  });

  it('makes a transactionId when none is given (a new one each time), and refuses a key Entrata cannot take', () => {
    const first = entrataParams('sendLeaseArTransactions', charge({})).transactionId as string;
    const second = entrataParams('sendLeaseArTransactions', charge({})).transactionId as string;
    expect(first).toMatch(/^[A-Za-z0-9-]{1,50}$/);
    expect(first).not.toBe(second);
    expect(() => entrataParams('sendLeaseArTransactions', charge({ third_party_charge_id: 'has space' }))).toThrow(
      VendorRequestError,
    );
    expect(() => entrataParams('sendLeaseArTransactions', charge({ post_month: '2026-13' }))).toThrow(
      VendorRequestError,
    );
  });

  it('is sent once at most (unlessSent) and succeeds without an id; a duplicate of its key is the charge already there', async () => {
    for (const [status, message] of [
      ['Success', 'Transaction posted successfully.'],
      ['Failed', 'Duplicate transaction ID'],
    ]) {
      const { calls, sent } = fakeCalls(() => transactionAnswer(status, message));
      await expect(new EntrataWriter(calls).write(charge({}))).resolves.toEqual({ xId: null });
      expect(sent.map((s) => [s.method, s.options])).toEqual([['sendLeaseArTransactions', { resend: 'unlessSent' }]]);
    }
    const { calls } = fakeCalls(() => transactionAnswer('Failed', 'Lease 1 was not found.'));
    await expect(new EntrataWriter(calls).write(charge({}))).rejects.toThrow(
      'Entrata sendLeaseArTransactions failed: Lease 1 was not found.',
    );
  });
});

describe('Entrata service request writes (sendWorkOrders, updateWorkOrders r2)', () => {
  const create: VendorWrite & { model: 'service_requests' } = {
    model: 'service_requests',
    operation: 'create',
    fields: {
      property_id: '100001',
      unit_id: '2000045',
      resident_id: '4000007',
      access_is_authorized: false,
      access_notes: 'Dog in the bedroom',
      service_request_location_id: '1',
      service_request_category_id: '1',
      service_request_problem_id: '11',
      service_request_priority_id: '3',
      service_description: 'Leak',
      employee_id: '502',
      scheduled_start_date: '2026-07-04T15:00:00.000Z',
      scheduled_end_date: '2026-07-04T17:30:00.000Z',
      date_due: '2026-07-06T00:00:00.000Z',
      is_floating: false,
    },
  };
  const pages = {
    units: [{ id: '2000045', unitNumber: '203', propertyId: '100001' }],
    residents: [{ Id: '4000007', Email: 'ana@example.com', Phone: { PhoneNumber: '(303) 555-0142' } }],
    service_requests: [{ maintenanceRequestId: '900001', propertyId: '100001', maintenanceProblem: 'Clogged drain' }],
  };

  it("creates with the unit's number, the resident's phone and email, Mountain times, and reads the new id back", async () => {
    const { calls, sent } = fakeCalls(
      () => ({ Success: { '@attributes': { message: 'ok', node: 'workOrder', reference_id: '900001' } } }),
      pages,
    );
    const writer = new EntrataWriter(calls);
    const result = await writer.write(create);
    expect(sent[0]).toEqual({
      method: 'sendWorkOrders',
      options: { resend: 'unlessSent' },
      params: {
        propertyId: 100001,
        customerId: 4000007,
        unitNumber: '203',
        mainPhoneNumber: 3035550142,
        emailAddress: 'ana@example.com',
        permissionToEnter: 0,
        maintenanceLocationId: 1,
        maintenanceCategoryId: 1,
        maintenanceProblemId: 11,
        maintenancePriorityId: 3,
        problemDescription: 'Leak',
        petsDescription: 'Dog in the bedroom',
        assignedTo: 502,
        scheduledStartDateTime: '07/04/2026 09:00:00',
        scheduledEndDateTime: '07/04/2026 11:30:00',
        dueDate: '07/06/2026',
        isFloatingWorkOrder: 0,
      },
    });
    expect(result).toEqual({ xId: '900001', readBackFrom: { propertyId: '100001' } });
    expect(await writer.readBack('service_requests', '900001', result.readBackFrom!)).toEqual(
      pages.service_requests[0],
    );
  });

  it('refuses a create Entrata would refuse before sending: no description, no phone, one scheduled end alone', async () => {
    const { calls, sent } = fakeCalls(() => ({}), {});
    const without = (drop: string[], add: Json = {}) => ({
      ...create,
      fields: { ...Object.fromEntries(Object.entries(create.fields).filter(([k]) => !drop.includes(k))), ...add },
    });
    await expect(new EntrataWriter(calls).write(without(['service_description', 'unit_id']))).rejects.toThrow(
      /service_details null or service_description is required/,
    );
    await expect(new EntrataWriter(calls).write(without(['resident_id', 'unit_id']))).rejects.toThrow(/phone_1/);
    await expect(
      new EntrataWriter(calls).write(
        without(['scheduled_end_date', 'unit_id', 'resident_id'], { phone_1: '3035550100' }),
      ),
    ).rejects.toThrow(/scheduled_end_date/);
    expect(sent).toEqual([]);
  });

  it("updates with version r2, the work order's property and its current problem's id from the pick lists", async () => {
    const pickLists = {
      Properties: {
        Property: {
          '@attributes': { Id: 100001 },
          Problems: {
            Problem: {
              '@attributes': { Id: 1, Name: 'Plumbing' },
              subMaintenanceProblems: {
                subMaintenanceProblem: [
                  { '@attributes': { Id: 11, Name: 'Leaking faucet' } },
                  { '@attributes': { Id: 12, Name: 'Clogged drain' } },
                ],
              },
            },
          },
        },
      },
    };
    const { calls, sent } = fakeCalls(
      (method) =>
        method === 'getWorkOrderPickLists'
          ? pickLists
          : { workOrders: { workOrder: { '@attributes': { workOrderId: 900001, status: 'Success' } } } },
      pages,
    );
    await new EntrataWriter(calls).write({
      model: 'service_requests',
      operation: 'update',
      xId: '900001',
      fields: { service_request_status_id: '4', date_completed: '2026-01-15T23:45:00.000Z', completion_notes: 'Done' },
    });
    expect(sent.map((s) => [s.method, s.options])).toEqual([
      ['getWorkOrderPickLists', undefined],
      ['updateWorkOrders', { version: 'r2' }],
    ]);
    expect(sent[1].params).toEqual({
      propertyId: 100001,
      workOrderId: 900001,
      maintenanceProblemId: 12,
      maintenanceStatusTypeId: 4,
      completedDateTime: '01/15/2026 16:45:00',
      closingComments: 'Done',
    });
  });

  it('writes Mountain wall times, a date alone as that day', () => {
    expect(mountainDateTime('2026-01-15T23:45:00.000Z', 'f')).toBe('01/15/2026 16:45:00');
    expect(mountainDateTime('2026-07-04T15:00:00Z', 'f')).toBe('07/04/2026 09:00:00');
    expect(mountainDateTime('2026-07-04', 'f')).toBe('07/04/2026');
    expect(() => mountainDateTime('soon', 'f')).toThrow(VendorRequestError);
  });
});
