import { mapEntrataRecord, entrataVendorId } from '../../src/fetch/entrata/entrata.mapper';
import type { EntrataModel } from '../../src/fetch/entrata/entrata.facts';
import { toCanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { recordId } from '../../src/platform/common/ids';

const unknown: Array<[string, string, string | null]> = [];
const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
  unknownValue: (field, value, mappedTo) => unknown.push([field, value, mappedTo]),
};
const ref = (model: EntrataModel, xId: string) => recordId('int_1', model, xId);
/** A raw record as a sync makes it: mapped, then completed and checked against the catalogue. */
const canonical = (model: EntrataModel, raw: unknown): Record<string, any> | null => {
  const mapped = mapEntrataRecord(model, raw, ctx);
  return mapped === null ? null : { x_id: mapped.x_id, ...toCanonicalRecord(model, mapped, ctx).values };
};
beforeEach(() => (unknown.length = 0));

describe('Entrata work orders -> service requests (entrata.md, Service requests; models.md §5)', () => {
  /** A work order as the client yields it: listed under its property, unit and employee resolved. */
  const workOrder = {
    maintenanceRequestId: 900123,
    propertyId: 100001,
    buildingName: 'Building B',
    unitNumber: '203',
    customerId: 4000007,
    nameFirst: 'Ana',
    nameLast: 'Ruiz',
    createdOn: '01/15/2026 16:45:00',
    assignedTo: 'Sam Carter',
    maintenanceStatus: 'In Progress',
    maintenancePriority: 'Emergency',
    maintenanceCategoryName: 'HVAC',
    maintenanceProblem: 'No heat',
    maintenanceDescription: 'Heater blows cold air',
    scheduledStartDate: '07/04/2026 9:00 AM',
    scheduledEndDate: '07/04/2026 11:00 AM',
    dueDate: '01/20/2026',
    permissionToEnter: '1',
    petInfo: 'Dog',
    isDeleted: '0',
    resolvedUnitId: '2000045',
    resolvedEmployeeId: '502',
  };

  it('maps every field of the vendor file, dates in Mountain time, the employee by its pick-list id', () => {
    expect(canonical('service_requests', workOrder)).toMatchObject({
      x_id: '900123',
      x_property_id: '100001',
      property_id: ref('properties', '100001'),
      x_unit_id: '2000045',
      unit_id: ref('units', '2000045'),
      x_location_id: null,
      x_sub_task_id: null,
      access_is_authorized: true,
      access_notes: null,
      building: 'Building B',
      // MST (UTC-7) in January, MDT (UTC-6) in July; a date alone is its midnight UTC.
      date_created: '2026-01-15T23:45:00.000Z',
      date_scheduled: '2026-07-04T15:00:00.000Z',
      date_due: '2026-01-20T00:00:00.000Z',
      date_completed: null,
      service_category: 'HVAC',
      service_description: 'No heat',
      service_details: 'Heater blows cold air',
      service_priority: 'Emergency',
      status_raw: 'In Progress',
      unit_number: '203',
      order_number: null,
      vendor_notes: null,
      employee_id: '502',
      employees: [{ x_id: '502', name: 'Sam Carter' }],
      vendors: [],
      history: [],
    });
    expect(entrataVendorId('service_requests', workOrder)).toBe('900123');
  });

  it('keeps a name the pick lists do not list as the employee key, with no employee_id; no assignee is no employee', () => {
    const { resolvedEmployeeId: _id, ...unlisted } = workOrder;
    expect(canonical('service_requests', { ...unlisted, assignedTo: 'Front Desk' })).toMatchObject({
      employee_id: null,
      employees: [{ x_id: 'Front Desk', name: 'Front Desk' }],
    });
    const { assignedTo: _name, ...unassigned } = workOrder;
    expect(canonical('service_requests', unassigned)).toMatchObject({ employee_id: null, employees: [] });
  });

  it('maps permissionToEnter 0 to false, a unit number matching no unit to no unit, a deleted work order to nothing', () => {
    const { resolvedUnitId: _unit, ...noUnit } = workOrder;
    expect(canonical('service_requests', { ...noUnit, permissionToEnter: 0, unitNumber: 'Garage' })).toMatchObject({
      access_is_authorized: false,
      unit_number: 'Garage',
      x_unit_id: null,
      unit_id: null,
    });
    expect(canonical('service_requests', { ...workOrder, isDeleted: '1' })).toBeNull();
    expect(canonical('service_requests', { ...workOrder, isDeleted: 1 })).toBeNull();
  });

  it('quarantines a work order without id or property, or with a date or flag it cannot read', () => {
    const { maintenanceRequestId: _id, ...noId } = workOrder;
    const { propertyId: _p, ...noProperty } = workOrder;
    for (const bad of [
      noId,
      noProperty,
      { ...workOrder, createdOn: '2026-13-45' },
      { ...workOrder, permissionToEnter: 'maybe' },
    ])
      expect(() => canonical('service_requests', bad)).toThrow(MalformedRecordError);
  });
});

describe('Entrata ledger rows -> resident charges (entrata.md, Resident charges)', () => {
  const row = {
    id: '50000017',
    transactionTypeId: 1,
    arCodeId: 3,
    arCodeName: 'Utilities',
    description: 'Water adjustment',
    transactionDate: '03/15/2025',
    postDate: '03/15/2025',
    postMonth: '03/2025',
    amount: '0.10',
    amountPaid: '0.04',
    balanceDue: '0.06',
    leaseIntervalId: 3000004,
    propertyId: '100001',
    resolvedLeaseId: 3000004,
    resolvedCustomerId: 4000008,
    resolvedUnitId: '2000004',
  };

  it('maps every field: exact cents with the text as sent, post month YYYY-MM, lease, first customer and unit', () => {
    expect(canonical('resident_charges', row)).toEqual(
      expect.objectContaining({
        x_id: '50000017',
        x_property_id: '100001',
        property_id: ref('properties', '100001'),
        x_lease_id: '3000004',
        lease_id: ref('leases', '3000004'),
        x_resident_id: '4000008',
        resident_id: ref('residents', '4000008'),
        x_unit_id: '2000004',
        unit_id: ref('units', '2000004'),
        x_gl_account_id: null,
        financial_account_id: null,
        x_charge_code_id: '3',
        charge_code_id: '3',
        name: 'Utilities',
        description: 'Water adjustment',
        amount_in_cents: 10,
        amount_raw: '0.10',
        amount_paid_in_cents: 4,
        amount_paid_raw: '0.04',
        amount_open_in_cents: 6,
        amount_open_raw: '0.06',
        is_open: true,
        transaction_date: '2025-03-15T00:00:00.000Z',
        post_month: '2025-03',
        due_date: null,
        reference_number: null,
        transaction_source: null,
        allocations: [],
      }),
    );
  });

  it('keeps money exact: 0.1 + 0.2, a nine-figure amount, a credit stays negative, a paid charge is not open', () => {
    const money = (fields: Record<string, unknown>) => {
      const c = canonical('resident_charges', { ...row, ...fields })!;
      return [c.amount_in_cents, c.amount_open_in_cents, c.is_open];
    };
    expect(money({ amount: 0.1 + 0.2, balanceDue: '0.30' })).toEqual([30, 30, true]);
    expect(money({ amount: '123456789.01', balanceDue: '123456789.01' })).toEqual([
      12_345_678_901,
      12_345_678_901,
      true,
    ]);
    expect(money({ transactionTypeId: 3, amount: '-25.10', balanceDue: '-25.10' })).toEqual([-2510, -2510, false]);
    expect(money({ amount: '1095', amountPaid: '1095', balanceDue: '0' })).toEqual([109_500, 0, false]);
  });

  it('reads a one-digit month and refuses a month that is no month, and an amount that is no amount', () => {
    expect(canonical('resident_charges', { ...row, postMonth: '1/2026' })!.post_month).toBe('2026-01');
    for (const bad of [
      { postMonth: '13/2026' },
      { postMonth: '2026-01' },
      { amount: '12,5x' },
      { amount: '90071992547409.92' },
      { resolvedLeaseId: { id: 1 } },
      { propertyId: undefined },
    ])
      expect(() => canonical('resident_charges', { ...row, ...bad })).toThrow(MalformedRecordError);
  });
});

describe('Entrata ArPayments -> resident payments (entrata.md, Resident payments)', () => {
  const payment = {
    ArPaymentId: 60000042,
    PropertyName: 'Larimer Commons 100001',
    CustomerId: 4000008,
    CustomerFirstName: 'Ana',
    CustomerLastName: 'Ruiz',
    UnitNumber: '104',
    PaymentAmount: '1095.30',
    PaymentDate: '12/20/2025',
    PaymentType: 'Check',
    PaymentStatus: 'Captured',
    CapturedOn: '12/20/2025 10:15:00',
    ArAllocations: {
      ArAllocation: [
        {
          ArTransactionId: 50000001,
          ChargeCodeId: 1,
          ChargeCodeName: 'Rent',
          Amount: '1095.00',
          AllocationDateTime: 'x',
        },
        {
          ArTransactionId: 50000002,
          ChargeCodeId: 3,
          ChargeCodeName: 'Utilities',
          Amount: '0.30',
          AllocationDateTime: 'x',
        },
      ],
    },
    propertyId: '100001',
    resolvedLeaseId: '3000004',
    resolvedUnitId: '2000004',
  };

  it('maps every field, with allocations from ArAllocations keyed payment:charge and linked both ways', () => {
    expect(canonical('resident_payments', payment)).toEqual(
      expect.objectContaining({
        x_id: '60000042',
        x_property_id: '100001',
        property_id: ref('properties', '100001'),
        x_lease_id: '3000004',
        lease_id: ref('leases', '3000004'),
        x_resident_id: '4000008',
        resident_id: ref('residents', '4000008'),
        x_unit_id: '2000004',
        unit_id: ref('units', '2000004'),
        x_gl_account_id: null,
        x_charge_code_id: null,
        amount_in_cents: 109_530,
        amount_raw: '1095.30',
        payment_method_raw: 'Check',
        payment_method_normalized: 'CHECK',
        transaction_date: '2025-12-20T00:00:00.000Z',
        post_month: null,
        description: null,
        reference_number: null,
        custom_data: { payment_status: 'Captured', captured_on: '2025-12-20T17:15:00.000Z' },
        allocations: [
          {
            id: expect.any(String),
            x_id: '60000042:50000001',
            x_source_id: '60000042',
            x_destination_id: '50000001',
            amount_in_cents: 109_500,
            amount_raw: '1095.00',
            financial_account_id: null,
            custom_data: null,
            resident_charge_id: ref('resident_charges', '50000001'),
            resident_payment_id: ref('resident_payments', '60000042'),
          },
          expect.objectContaining({ x_id: '60000042:50000002', amount_in_cents: 30 }),
        ],
      }),
    );
  });

  it('normalises every PaymentType of the vendor file, and reports any other as OTHER', () => {
    const method = (PaymentType: string) => canonical('resident_payments', { ...payment, PaymentType })!;
    const table: Array<[string, string]> = [
      ['Check', 'CHECK'],
      ["Cashier's Check", 'CASHIERCHECK'],
      ['Money Order', 'MONEYORDER'],
      ['Cash', 'CASH'],
      ['Credit Card', 'CREDITCARD'],
      ['Debit Card', 'CREDITCARD'],
      ['ACH', 'ELECTRONICPAYMENT'],
      ['eCheck', 'ELECTRONICPAYMENT'],
    ];
    for (const [raw, normalized] of table)
      expect([raw, method(raw).payment_method_normalized, method(raw).payment_method_raw]).toEqual([
        raw,
        normalized,
        raw,
      ]);
    expect(unknown).toEqual([]);
    expect(method('Bitcoin').payment_method_normalized).toBe('OTHER');
    expect(unknown).toEqual([['payment_method_normalized', 'Bitcoin', 'OTHER']]);
  });

  it('lists a Reversed payment as itself and as its negative reversal, dated when it was returned', () => {
    const reversedPayment = {
      ...payment,
      PaymentStatus: 'Reversed',
      ReturnedOn: '01/02/2026 09:00:00',
      ArAllocations: undefined,
    };
    const original = canonical('resident_payments', reversedPayment)!;
    const reversal = canonical('resident_payments', { ...reversedPayment, reversalOfPayment: true })!;
    expect(original).toMatchObject({ x_id: '60000042', amount_in_cents: 109_530, allocations: [] });
    expect(reversal).toMatchObject({
      x_id: '60000042-reversal',
      x_lease_id: '3000004',
      amount_in_cents: -109_530,
      amount_raw: '1095.30',
      transaction_date: '2026-01-02T16:00:00.000Z',
      custom_data: { reverses_payment_id: '60000042' },
      allocations: [],
    });
    expect(entrataVendorId('resident_payments', { ...reversedPayment, reversalOfPayment: true })).toBe(
      '60000042-reversal',
    );
    expect(original.amount_in_cents + reversal.amount_in_cents).toBe(0);
  });

  it('quarantines a payment whose property name matched no property, or whose amount or allocation is unreadable', () => {
    const { propertyId: _p, ...unplaced } = payment;
    for (const bad of [
      unplaced,
      { ...payment, PaymentAmount: 'ten dollars' },
      { ...payment, ArAllocations: { ArAllocation: { Amount: '1.00' } } },
      { ...payment, ArAllocations: { ArAllocation: ['x'] } },
    ])
      expect(() => canonical('resident_payments', bad)).toThrow(MalformedRecordError);
  });
});
