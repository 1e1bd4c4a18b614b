import { recordId } from '../../src/platform/common/ids';
import { toCanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import type { YardiModel } from '../../src/fetch/yardi/yardi.facts';

/**
 * Service requests, charges and payments as docs/vendors/yardi.md and models.md §5 map them, value by value:
 * raw records as the client yields them (the call's property as `YardiPropertyId`; ledger items with their
 * household as `HouseholdID` and its RT_Unit as `HouseholdUnitID`).
 */
const unknown: Array<[string, string, string | null]> = [];
const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
  unknownValue: (field, value, mappedTo) => void unknown.push([field, value, mappedTo]),
};
const ref = (model: string, xId: string) => recordId('int_1', model as YardiModel, xId);
const map = (model: YardiModel, raw: unknown) => toCanonicalRecord(model, yardiAdapter.map(model, raw, ctx)!, ctx);

const REQUEST = {
  YardiPropertyId: 'p0001',
  ServiceRequestId: '4012',
  Origin: 'Resident Portal',
  PropertyCode: 'p0001',
  UnitCode: '104',
  TenantCode: 't0000007',
  ServiceRequestBriefDescription: 'Leaking kitchen faucet',
  ServiceRequestFullDescription: 'Drips constantly & loudly',
  ProblemDescriptionNotes: 'Reported twice',
  TechnicianNotes: 'Bring a washer',
  Category: 'Plumbing',
  SubCategory: '',
  Priority: 'High',
  HasPermissionToEnter: 'true',
  AccessNotes: 'Dog in unit',
  TenantCaused: 'false',
  RequestorName: 'Ana Diaz',
  RequestorPhoneNumber: '5550104000',
  RequestorEmail: 'ana@example.com',
  ServiceRequestDate: '2025-03-04T09:15:00',
  CreatedBy: 'Resident',
  UpdateDate: '2025-03-09T16:00:00',
  UpdatedBy: 'Maintenance',
  CurrentStatus: 'Work Completed',
  StatusHistory: {
    Status: [
      { '@Type': 'Call', '@TimeStamp': '2025-03-04T09:15:00' },
      { '@Type': 'Work Completed', '@TimeStamp': '2025-03-05T11:00:00' },
      { '@Type': 'In Progress', '@TimeStamp': '03/07/2025', '#text': 'Dripping again' },
      { '@Type': 'Work Completed', '@TimeStamp': '2025-03-09T16:00:00' },
    ],
  },
};
const CHARGE = {
  YardiPropertyId: 'p0001',
  HouseholdID: 't0000007',
  HouseholdUnitID: '104',
  Detail: {
    TransactionID: '700123',
    Description: 'Rent',
    TransactionDate: '2025-12-01',
    ChargeCode: 'rent',
    GLAccountNumber: '4000-0000',
    CustomerID: 't0000007',
    UnitID: '104',
    Amount: '1450.00',
    AmountPaid: '870.00',
    BalanceDue: '580.00',
    Comment: 'December',
    PropertyPrimaryID: 'p0001',
  },
};
const PAYMENT = {
  YardiPropertyId: 'p0001',
  HouseholdID: 't0000007',
  HouseholdUnitID: '104',
  '@Type': 'Check',
  Detail: {
    TransactionID: '700140',
    DocumentNumber: '1042',
    TransactionDate: '12/03/2025',
    CustomerID: 't0000007',
    PaidBy: 'Ana Diaz',
    Amount: '870.00',
    Description: 'Payment',
    PropertyPrimaryID: 'p0001',
  },
};
const withDetail = (raw: any, detail: Record<string, unknown>) => ({ ...raw, Detail: { ...raw.Detail, ...detail } });

beforeEach(() => (unknown.length = 0));

describe('Yardi service requests (GetServiceRequest_Search ServiceRequest)', () => {
  it('maps every field of the contract, the history from StatusHistory and date_completed from Work Completed', () => {
    const r = map('service_requests', REQUEST);
    expect(r.x_id).toBe('4012');
    expect(r.values).toMatchObject({
      x_property_id: 'p0001',
      property_id: ref('properties', 'p0001'),
      x_unit_id: 'p0001:104',
      unit_id: ref('units', 'p0001:104'),
      unit_number: '104',
      access_is_authorized: true,
      access_notes: 'Dog in unit',
      date_created: '2025-03-04T09:15:00.000Z',
      // the latest Work Completed entry (it was reopened once)
      date_completed: '2025-03-09T16:00:00.000Z',
      notes: 'Reported twice',
      service_category: 'Plumbing',
      service_description: 'Leaking kitchen faucet',
      service_details: 'Drips constantly & loudly',
      service_priority: 'High',
      status_raw: 'Work Completed',
      vendor_notes: 'Bring a washer',
      // none in Yardi's contract
      x_location_id: null,
      x_sub_task_id: null,
      building: null,
      completion_notes: null,
      date_due: null,
      date_scheduled: null,
      order_number: null,
      employee_id: null,
      vendors: [],
      employees: [],
    });
    expect(
      (r.values.history as any[]).map((h) => [h.x_id, h.x_created_at, h.status_raw, h.notes, h.creator_name]),
    ).toEqual([
      ['4012:1', '2025-03-04T09:15:00.000Z', 'Call', '', null],
      ['4012:2', '2025-03-05T11:00:00.000Z', 'Work Completed', '', null],
      ['4012:3', '2025-03-07T00:00:00.000Z', 'In Progress', 'Dripping again', null],
      ['4012:4', '2025-03-09T16:00:00.000Z', 'Work Completed', '', null],
    ]);
    expect(unknown).toEqual([]);
  });

  it('has no date_completed without a Work Completed entry; one Status element is a history of one', () => {
    const r = map('service_requests', {
      ...REQUEST,
      CurrentStatus: 'Call',
      UnitCode: '',
      StatusHistory: { Status: { '@Type': 'Call', '@TimeStamp': '2025-03-04T09:15:00' } },
    });
    expect(r.values).toMatchObject({ date_completed: null, status_raw: 'Call', x_unit_id: null, unit_id: null });
    expect(r.values.history).toEqual([
      {
        id: expect.any(String),
        x_id: '4012:1',
        x_created_at: '2025-03-04T09:15:00.000Z',
        notes: '',
        creator_name: null,
        status_raw: 'Call',
        service_request_id: r.id,
      },
    ]);
    expect(map('service_requests', { ...REQUEST, StatusHistory: '' }).values.history).toEqual([]);
  });

  it('reads HasPermissionToEnter true/false/yes/no (any case) and reports any other value', () => {
    const access = (value: string) => map('service_requests', { ...REQUEST, HasPermissionToEnter: value }).values;
    expect(['true', 'True', 'YES', 'no', 'false', 'FALSE'].map((v) => access(v).access_is_authorized)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(unknown).toEqual([]);
    expect(access('maybe').access_is_authorized).toBeNull();
    expect(unknown).toEqual([['access_is_authorized', 'maybe', null]]);
  });

  it('places a request without PropertyCode by the property asked for; quarantines a bad one', () => {
    expect(map('service_requests', { ...REQUEST, PropertyCode: '' }).values.x_property_id).toBe('p0001');
    expect(() => map('service_requests', { ...REQUEST, ServiceRequestId: '' })).toThrow(MalformedRecordError);
    expect(() =>
      map('service_requests', {
        ...REQUEST,
        StatusHistory: { Status: [{ '@Type': 'Call', '@TimeStamp': '31/31/2025' }] },
      }),
    ).toThrow(/TimeStamp/);
    expect(() => map('service_requests', { ...REQUEST, ServiceRequestDate: 'yesterday' })).toThrow(
      /ServiceRequestDate/,
    );
    expect(yardiAdapter.vendorId('service_requests', { ServiceRequestId: '9' })).toBe('9');
  });
});

describe('Yardi resident charges (RTServiceTransactions Charge/Detail)', () => {
  it('maps every field of the contract: the household is the lease and its first resident, exact cents', () => {
    const c = map('resident_charges', CHARGE);
    expect(c.x_id).toBe('700123');
    expect(c.values).toEqual(
      expect.objectContaining({
        x_property_id: 'p0001',
        property_id: ref('properties', 'p0001'),
        x_lease_id: 't0000007',
        lease_id: ref('leases', 't0000007'),
        x_resident_id: 't0000007',
        resident_id: ref('residents', 't0000007'),
        x_unit_id: 'p0001:104',
        unit_id: ref('units', 'p0001:104'),
        x_gl_account_id: '4000-0000',
        financial_account_id: '4000-0000',
        x_charge_code_id: 'rent',
        charge_code_id: 'rent',
        name: 'rent',
        amount_in_cents: 145000,
        amount_raw: '1450.00',
        amount_open_in_cents: 58000,
        amount_open_raw: '580.00',
        amount_paid_in_cents: 87000,
        amount_paid_raw: '870.00',
        is_open: true,
        description: 'Rent',
        reference_number: null,
        transaction_date: '2025-12-01T00:00:00.000Z',
        transaction_source: null,
        due_date: null,
        post_month: null,
        x_location_id: null,
        custom_data: { comment: 'December' },
        allocations: [],
      }),
    );
  });

  it('keeps money exact: 0.10 + 0.20, nine figures, a credit, unpadded text; is_open only when BalanceDue > 0', () => {
    const amounts = (detail: Record<string, string>) => {
      const v = map('resident_charges', withDetail(CHARGE, detail)).values;
      return [v.amount_in_cents, v.amount_open_in_cents, v.amount_paid_in_cents, v.is_open];
    };
    expect(amounts({ Amount: '0.1', BalanceDue: '0.3', AmountPaid: '0.2' })).toEqual([10, 30, 20, true]);
    expect(amounts({ Amount: '123456789.01', BalanceDue: '123456789.01', AmountPaid: '0.00' })).toEqual([
      12345678901,
      12345678901,
      0,
      true,
    ]);
    expect(amounts({ Amount: '-25.00', BalanceDue: '-25.00', AmountPaid: '0' })).toEqual([-2500, -2500, 0, false]);
    expect(amounts({ Amount: '2,095', BalanceDue: '0', AmountPaid: '2095' })).toEqual([209500, 0, 209500, false]);
    expect(map('resident_charges', withDetail(CHARGE, { Amount: '0.1' })).values.amount_raw).toBe('0.1');
  });

  it("takes the household's unit, and the call's property, when the Detail names none", () => {
    const v = map('resident_charges', withDetail(CHARGE, { UnitID: '', PropertyPrimaryID: '', CustomerID: '' })).values;
    expect([v.x_unit_id, v.x_property_id, v.x_lease_id]).toEqual(['p0001:104', 'p0001', 't0000007']);
  });

  it('quarantines a charge without an id, with an amount or a date that is none', () => {
    expect(() => map('resident_charges', withDetail(CHARGE, { TransactionID: '' }))).toThrow(MalformedRecordError);
    expect(() => map('resident_charges', withDetail(CHARGE, { Amount: '12,5O' }))).toThrow(/Amount/);
    expect(() => map('resident_charges', withDetail(CHARGE, { BalanceDue: 'n/a' }))).toThrow(/BalanceDue/);
    expect(() => map('resident_charges', withDetail(CHARGE, { TransactionDate: '13/01/2025' }))).toThrow(
      /TransactionDate/,
    );
    expect(() => map('resident_charges', { ...CHARGE, Detail: 'x' })).toThrow(/Detail/);
    expect(yardiAdapter.vendorId('resident_charges', CHARGE)).toBe('700123');
    expect(yardiAdapter.vendorId('resident_charges', { Detail: {} })).toBeNull();
  });
});

describe('Yardi resident payments (RTServiceTransactions Payment[@Type]/Detail)', () => {
  it('maps every field of the contract', () => {
    const p = map('resident_payments', PAYMENT);
    expect(p.x_id).toBe('700140');
    expect(p.values).toEqual(
      expect.objectContaining({
        x_property_id: 'p0001',
        property_id: ref('properties', 'p0001'),
        x_lease_id: 't0000007',
        lease_id: ref('leases', 't0000007'),
        x_resident_id: 't0000007',
        resident_id: ref('residents', 't0000007'),
        x_unit_id: 'p0001:104',
        unit_id: ref('units', 'p0001:104'),
        x_gl_account_id: null,
        financial_account_id: null,
        x_charge_code_id: null,
        charge_code_id: null,
        payment_method_raw: 'Check',
        payment_method_normalized: 'CHECK',
        amount_in_cents: 87000,
        amount_raw: '870.00',
        name: 'Ana Diaz',
        description: 'Payment',
        reference_number: '1042',
        transaction_date: '2025-12-03T00:00:00.000Z',
        is_open: null,
        post_month: null,
        custom_data: null,
        allocations: [],
      }),
    );
  });

  it('normalises every Type of the vendor file, and reports one off it as OTHER', () => {
    const method = (type: string) =>
      map('resident_payments', { ...PAYMENT, '@Type': type }).values.payment_method_normalized;
    expect(
      Object.fromEntries(
        ['Cash', 'Check', 'CreditCard', 'DebitCard', 'ACH', 'MoneyOrder', 'Other'].map((t) => [t, method(t)]),
      ),
    ).toEqual({
      Cash: 'CASH',
      Check: 'CHECK',
      CreditCard: 'CREDITCARD',
      DebitCard: 'CREDITCARD',
      ACH: 'ELECTRONICPAYMENT',
      MoneyOrder: 'MONEYORDER',
      Other: 'OTHER',
    });
    expect(method('ach')).toBe('ELECTRONICPAYMENT');
    expect(unknown).toEqual([]);
    expect(method('Wire')).toBe('OTHER');
    expect(unknown).toEqual([['payment_method_normalized', 'Wire', 'OTHER']]);
    expect(map('resident_payments', { ...PAYMENT, '@Type': undefined }).values.payment_method_normalized).toBeNull();
  });

  it('keeps a reversal a negative payment with its Comment, exactly', () => {
    const v = map(
      'resident_payments',
      withDetail(PAYMENT, {
        Amount: '-870.00',
        Description: 'Payment reversal (NSF)',
        Comment: 'Reverses receipt 700140',
      }),
    ).values;
    expect([v.amount_in_cents, v.amount_raw, v.custom_data]).toEqual([
      -87000,
      '-870.00',
      { comment: 'Reverses receipt 700140' },
    ]);
    expect(map('resident_payments', withDetail(PAYMENT, { Amount: '0.30' })).values.amount_in_cents).toBe(30);
  });

  it('quarantines a payment whose amount is a float beyond exact cents', () => {
    expect(() => map('resident_payments', withDetail(PAYMENT, { Amount: '90071992547409.92' }))).toThrow(/Amount/);
  });
});
