import type { AppfolioModel } from '../../src/fetch/appfolio/appfolio.facts';
import { appfolioAdapter } from '../../src/fetch/appfolio/appfolio.adapter';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import type { MappingContext } from '../../src/normalise/canonical-record';
import { recordId } from '../../src/platform/common/ids';

/** The mappings of issue 21's models, value by value against docs/vendors/appfolio.md and models.md §5. */
const unknown: Array<[string, string, string | null]> = [];
const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
  unknownValue: (field, value, mappedTo) => unknown.push([field, value, mappedTo]),
};
const id = (model: AppfolioModel, xId: string) => recordId('int_1', model, xId);
const map = (model: AppfolioModel, raw: unknown) => appfolioAdapter.map(model, raw, ctx)!;

const WORK_ORDER = {
  Id: 41,
  WorkOrderNumber: 'WO-41',
  PropertyId: 7,
  UnitId: 70,
  OccupancyId: 700,
  Status: 'Estimate Requested',
  Priority: 'Urgent',
  WorkOrderType: 'Plumbing',
  JobDescription: 'Water heater leaking',
  Instructions: 'Key in lockbox',
  PermissionToEnter: true,
  VendorId: 5150,
  AssignedUsers: [61, 62],
  CreatedAt: '2025-12-28T09:41:07Z',
  ScheduledStart: '2025-12-30T14:00:00Z',
  ScheduledEnd: '2025-12-30T16:00:00Z',
  WorkDoneOn: '2025-12-30',
  CompletedOn: '2025-12-31',
  Amount: '1,212.40',
  ServiceRequestDescription: 'Puddle in the hall closet',
  LastUpdatedAt: '2025-12-31T10:00:00Z',
  last_note: 'Plumber booked',
  unit_name: 'A1',
};
const ledger = (fields: Record<string, unknown>) => ({
  Id: 5501,
  OccupancyId: 700,
  PropertyId: 7,
  UnitId: 70,
  PostedOn: '2025-12-01',
  Description: 'Rent',
  GlAccountId: 40000,
  Reference: null,
  LastUpdatedAt: '2026-01-09T16:20:00Z',
  ...fields,
});

beforeEach(() => unknown.splice(0));

describe('AppFolio v0 work order -> service request', () => {
  it('maps every field of the vendor file: users as employees, the vendor, the newest note, the unit name', () => {
    expect(map('service_requests', WORK_ORDER)).toEqual({
      x_id: '41',
      values: {
        x_property_id: '7',
        x_unit_id: '70',
        access_is_authorized: true,
        date_completed: '2025-12-31T00:00:00.000Z',
        date_created: '2025-12-28T09:41:07.000Z',
        date_scheduled: '2025-12-30T14:00:00.000Z',
        notes: 'Plumber booked',
        service_category: 'Plumbing',
        service_description: 'Water heater leaking',
        service_details: 'Puddle in the hall closet',
        service_priority: 'Urgent',
        status_raw: 'Estimate Requested',
        vendor_notes: 'Key in lockbox',
        unit_number: 'A1',
        order_number: 'WO-41',
        property_id: id('properties', '7'),
        unit_id: id('units', '70'),
        employee_id: '61',
        vendors: [{ vendor_id: '5150' }],
        history: [],
        employees: [
          { x_id: '61', name: null },
          { x_id: '62', name: null },
        ],
      },
    });
  });

  it('a common-area order with no users, vendor, note, schedule or permission maps to nulls and empty lists', () => {
    const { values } = map('service_requests', {
      ...WORK_ORDER,
      UnitId: null,
      PermissionToEnter: null,
      VendorId: null,
      AssignedUsers: [],
      ScheduledStart: null,
      CompletedOn: null,
      last_note: null,
      unit_name: undefined,
    });
    expect(values).toMatchObject({
      x_unit_id: null,
      unit_id: null,
      access_is_authorized: null,
      vendors: [],
      employees: [],
      employee_id: null,
      notes: null,
      date_scheduled: null,
      date_completed: null,
      unit_number: null,
    });
  });

  it('quarantines an order without its property, with users that are no list, or a date that is none', () => {
    for (const raw of [
      { ...WORK_ORDER, PropertyId: null },
      { ...WORK_ORDER, AssignedUsers: 61 },
      { ...WORK_ORDER, CreatedAt: 'yesterday' },
      { ...WORK_ORDER, PermissionToEnter: 'maybe' },
    ])
      expect(() => map('service_requests', raw)).toThrow(MalformedRecordError);
    expect(appfolioAdapter.vendorId('service_requests', WORK_ORDER)).toBe('41');
  });
});

describe('AppFolio tenant ledger rows -> resident charges', () => {
  it('maps a Charge: exact cents, what is open, the GL account as the financial account, the Type kept', () => {
    expect(map('resident_charges', ledger({ Type: 'Charge', Amount: '1,275.00', AmountDue: '175.05' }))).toEqual({
      x_id: '5501',
      values: {
        x_property_id: '7',
        x_gl_account_id: '40000',
        x_lease_id: '700',
        x_unit_id: '70',
        amount_raw: '1,275.00',
        description: 'Rent',
        reference_number: null,
        transaction_date: '2025-12-01T00:00:00.000Z',
        custom_data: { Type: 'Charge' },
        property_id: id('properties', '7'),
        financial_account_id: '40000',
        unit_id: id('units', '70'),
        lease_id: id('leases', '700'),
        amount_in_cents: 127500,
        amount_open_in_cents: 17505,
        amount_open_raw: '175.05',
        is_open: true,
        allocations: [],
      },
    });
  });

  it('money edge cases: 0.1 + 0.2, a nine-figure amount, a paid charge, a Credit as a negative charge', () => {
    const charge = (fields: Record<string, unknown>) => map('resident_charges', ledger(fields)).values;
    expect(charge({ Type: 'Charge', Amount: 0.1 + 0.2, AmountDue: '0.30' })).toMatchObject({
      amount_in_cents: 30,
      amount_open_in_cents: 30,
    });
    expect(charge({ Type: 'Charge', Amount: '123,456,789.01', AmountDue: '0.00' })).toMatchObject({
      amount_in_cents: 12_345_678_901,
      amount_raw: '123,456,789.01',
      amount_open_in_cents: 0,
      is_open: false,
    });
    expect(charge({ Type: 'Credit', Amount: '100.00' })).toMatchObject({
      amount_in_cents: -10_000,
      amount_raw: '100.00',
      amount_open_in_cents: null,
      is_open: null,
      custom_data: { Type: 'Credit' },
    });
    // An amount sent signed keeps its sign through the Type's.
    expect(charge({ Type: 'Credit', Amount: '-12.34' }).amount_in_cents).toBe(1234);
    expect(charge({ Type: 'Charge', Amount: '0.00', AmountDue: '0.00' }).amount_in_cents).toBe(0);
  });

  it('quarantines a payment row, an unknown Type, an amount that is none or beyond exact cents', () => {
    for (const raw of [
      ledger({ Type: 'Payment', Amount: '1.00' }),
      ledger({ Type: 'Refund', Amount: '1.00' }),
      ledger({ Amount: '1.00' }),
      ledger({ Type: 'Charge', Amount: 'twelve' }),
      ledger({ Type: 'Charge', Amount: '90071992547409.92' }),
      ledger({ Type: 'Charge', Amount: '1.00', PropertyId: null }),
    ])
      expect(() => map('resident_charges', raw)).toThrow(MalformedRecordError);
  });
});

describe('AppFolio tenant ledger rows -> resident payments', () => {
  it('maps a Payment with its AppliedTo allocations, each naming the payment and the charge', () => {
    const payment = ledger({
      Id: 5504,
      Type: 'Payment',
      Amount: '1,275.30',
      Reference: 'ACH 88121',
      PaymentType: 'ACH',
      Description: 'Payment',
      GlAccountId: 11000,
      AppliedTo: [
        { ChargeId: 5501, Amount: '1,275.00' },
        { ChargeId: 5502, Amount: '0.30' },
      ],
    });
    expect(map('resident_payments', payment)).toEqual({
      x_id: '5504',
      values: {
        x_property_id: '7',
        x_gl_account_id: '11000',
        x_lease_id: '700',
        x_unit_id: '70',
        amount_raw: '1,275.30',
        description: 'Payment',
        reference_number: 'ACH 88121',
        transaction_date: '2025-12-01T00:00:00.000Z',
        custom_data: { Type: 'Payment' },
        property_id: id('properties', '7'),
        financial_account_id: '11000',
        unit_id: id('units', '70'),
        lease_id: id('leases', '700'),
        payment_method_raw: 'ACH',
        payment_method_normalized: 'ELECTRONICPAYMENT',
        amount_in_cents: 127_530,
        allocations: [
          {
            x_id: '5504-5501',
            x_source_id: '5504',
            x_destination_id: '5501',
            amount_in_cents: 127_500,
            amount_raw: '1,275.00',
            financial_account_id: null,
            custom_data: null,
            resident_charge_id: id('resident_charges', '5501'),
            resident_payment_id: id('resident_payments', '5504'),
          },
          {
            x_id: '5504-5502',
            x_source_id: '5504',
            x_destination_id: '5502',
            amount_in_cents: 30,
            amount_raw: '0.30',
            financial_account_id: null,
            custom_data: null,
            resident_charge_id: id('resident_charges', '5502'),
            resident_payment_id: id('resident_payments', '5504'),
          },
        ],
      },
    });
  });

  it('maps every PaymentType of the vendor file, and reports one it does not list as OTHER', () => {
    const method = (PaymentType: unknown) =>
      map('resident_payments', ledger({ Type: 'Payment', Amount: '1.00', PaymentType })).values
        .payment_method_normalized;
    expect(
      Object.fromEntries(
        ['Check', 'Cash', 'Money Order', "Cashier's Check", 'Credit Card', 'Debit Card', 'ACH', 'eCheck', 'Online'].map(
          (type) => [type, method(type)],
        ),
      ),
    ).toEqual({
      Check: 'CHECK',
      Cash: 'CASH',
      'Money Order': 'MONEYORDER',
      "Cashier's Check": 'CASHIERCHECK',
      'Credit Card': 'CREDITCARD',
      'Debit Card': 'CREDITCARD',
      ACH: 'ELECTRONICPAYMENT',
      eCheck: 'ELECTRONICPAYMENT',
      Online: 'ELECTRONICPAYMENT',
    });
    expect(unknown).toEqual([]);
    expect(method('Bitcoin')).toBe('OTHER');
    expect(method(null)).toBeNull();
    expect(unknown).toEqual([['payment_method_normalized', 'Bitcoin', 'OTHER']]);
  });

  it('an Adjustment (a reversal) is a payment of minus its amount, with no method and no allocations', () => {
    const { values } = map(
      'resident_payments',
      ledger({ Type: 'Adjustment', Amount: '1,275.30', Description: 'NSF reversal of payment 5504' }),
    );
    expect(values).toMatchObject({
      amount_in_cents: -127_530,
      amount_raw: '1,275.30',
      payment_method_raw: null,
      payment_method_normalized: null,
      allocations: [],
      custom_data: { Type: 'Adjustment' },
    });
  });

  it('quarantines a charge row, AppliedTo that is no list or names no charge, and an allocation amount that is none', () => {
    for (const raw of [
      ledger({ Type: 'Charge', Amount: '1.00' }),
      ledger({ Type: 'Payment', Amount: '1.00', AppliedTo: { ChargeId: 1, Amount: '1.00' } }),
      ledger({ Type: 'Payment', Amount: '1.00', AppliedTo: [{ Amount: '1.00' }] }),
      ledger({ Type: 'Payment', Amount: '1.00', AppliedTo: [{ ChargeId: 1, Amount: 'all' }] }),
    ])
      expect(() => map('resident_payments', raw)).toThrow(MalformedRecordError);
  });
});
