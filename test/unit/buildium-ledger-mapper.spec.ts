import fs from 'node:fs';
import path from 'node:path';
import { recordId } from '../../src/platform/common/ids';
import { toCanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { mapBuildiumRecord } from '../../src/fetch/buildium/buildium.mapper';
import { LEDGER_TRANSACTION_TYPES, PAYMENT_METHOD } from '../../src/fetch/buildium/buildium.facts';

type Model = 'service_requests' | 'resident_charges' | 'resident_payments';
const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};
const ref = (model: Parameters<MappingContext['ref']>[0], xId: string) => recordId('int_1', model, xId);
const canonical = (model: Model, raw: unknown, context = ctx) =>
  toCanonicalRecord(model, mapBuildiumRecord(model, raw, context), context).values;
const SCHEMAS = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/reference/buildium-openapi.json'), 'utf8'))
  .components.schemas;

// A ResidentRequestTaskMessage as the client hands it on: with its work orders and unit number joined.
const TASK = {
  Id: 1200007,
  Category: { Id: 3, Name: 'Plumbing', Href: 'x', SubCategory: { Id: 31, Name: 'Leak' } },
  Title: 'Leaking faucet',
  Description: 'Kitchen faucet drips.\nCall first.',
  Property: { Id: 42, Type: 'Rental', Href: 'x' },
  UnitId: 77,
  UnitAgreement: { Id: 900, Type: 'Lease', Href: 'x' },
  RequestedByUserEntity: { Type: 'RentalTenant', Id: 501, FirstName: 'Ana', LastName: 'Reyes', IsCompany: false },
  AssignedToUserId: 9004,
  TaskStatus: 'InProgress',
  Priority: 'High',
  DueDate: '2026-01-15',
  CreatedDateTime: '2025-12-01T14:30:00Z',
  LastUpdatedDateTime: '2025-12-03T09:00:00Z',
  IsEntryPermittedByResident: true,
  DoesResidentHavePets: false,
  ResidentEntryNotes: 'Dog is friendly',
  UnitNumber: '4B',
  WorkOrders: [
    { Id: 1500012, Task: { Id: 1200007 }, VendorId: 70003, VendorNotes: 'Second visit' },
    { Id: 1500009, Task: { Id: 1200007 }, VendorId: 70001, VendorNotes: 'Bring the ladder' },
    { Id: 1500010, Task: { Id: 1200007 }, VendorId: 70003, VendorNotes: '' },
  ],
};

const line = (amount: number, extra: Record<string, unknown> = {}) => ({
  GLAccount: { Id: 4000, Name: 'Rent Income' },
  Amount: amount,
  IsCashPosting: false,
  ReferenceNumber: 'R-1',
  PropertyId: 42,
  UnitId: 77,
  ...extra,
});
const CHARGE = {
  Id: 3000001,
  Date: '2026-03-01',
  TransactionType: 'Charge',
  TransactionTypeEnum: 'Charge',
  TotalAmount: 1250.5,
  LeaseId: 900,
  Journal: { Memo: 'Rent 2026-03', Lines: [line(1250.5)] },
};
const PAYMENT = {
  Id: 3000002,
  Date: '2026-03-03',
  TransactionType: 'Payment',
  TransactionTypeEnum: 'Payment',
  TotalAmount: 1250.5,
  CheckNumber: '1042',
  LeaseId: 900,
  PayeeTenantId: 501,
  PaymentMethod: 'Check',
  Journal: { Memo: 'March rent', Lines: [line(1250.5, { IsCashPosting: true })] },
};

describe('Buildium mapping of resident requests, charges and payments (buildium.md; models.md §5)', () => {
  it('maps a resident request with its work orders: the latest gives the sub-task and vendor notes, every vendor once', () => {
    expect(canonical('service_requests', TASK)).toMatchObject({
      x_property_id: '42',
      property_id: ref('properties', '42'),
      x_unit_id: '77',
      unit_id: ref('units', '77'),
      unit_number: '4B',
      x_sub_task_id: '1500012',
      access_is_authorized: true,
      access_notes: 'Dog is friendly',
      date_created: '2025-12-01T14:30:00.000Z',
      date_due: '2026-01-15T00:00:00.000Z',
      service_category: 'Plumbing',
      service_description: 'Leaking faucet',
      service_details: 'Kitchen faucet drips.\nCall first.',
      service_priority: 'High',
      status_raw: 'InProgress',
      vendor_notes: 'Second visit',
      employee_id: '9004',
      employees: [{ x_id: '9004', name: null }],
      vendors: [{ vendor_id: '70001' }, { vendor_id: '70003' }],
      history: [],
      // Buildium has none of these (models.md §5).
      x_location_id: null,
      building: null,
      completion_notes: null,
      date_completed: null,
      date_scheduled: null,
      notes: null,
      order_number: null,
    });
  });

  it('maps a request with no work order, no unit and no assignee to empty vendors and employees', () => {
    const { WorkOrders: _w, UnitId: _u, UnitNumber: _n, AssignedToUserId: _a, ...bare } = TASK;
    expect(canonical('service_requests', bare)).toMatchObject({
      x_unit_id: null,
      unit_id: null,
      unit_number: null,
      x_sub_task_id: null,
      vendor_notes: null,
      employee_id: null,
      employees: [],
      vendors: [],
    });
  });

  it("keeps every TaskStatus and Priority of the spec's enums as sent", () => {
    for (const status of SCHEMAS.ResidentRequestTaskMessage.properties.TaskStatus.enum as string[])
      expect(canonical('service_requests', { ...TASK, TaskStatus: status }).status_raw).toBe(status);
    for (const priority of SCHEMAS.ResidentRequestTaskMessage.properties.Priority.enum as string[])
      expect(canonical('service_requests', { ...TASK, Priority: priority }).service_priority).toBe(priority);
  });

  it('maps a charge: amount in exact cents with its text, the first line places it and names its GL account', () => {
    expect(canonical('resident_charges', CHARGE)).toMatchObject({
      x_property_id: '42',
      property_id: ref('properties', '42'),
      x_unit_id: '77',
      unit_id: ref('units', '77'),
      x_lease_id: '900',
      lease_id: ref('leases', '900'),
      x_gl_account_id: '4000',
      financial_account_id: '4000',
      name: 'Rent Income',
      amount_in_cents: 125050,
      amount_raw: '1250.5',
      description: 'Rent 2026-03',
      reference_number: 'R-1',
      transaction_date: '2026-03-01T00:00:00.000Z',
      custom_data: { transaction_type: 'Charge' },
      // No open or paid amount per charge, no resident, post month, due date or allocations at Buildium.
      amount_open_in_cents: null,
      amount_paid_in_cents: null,
      is_open: null,
      x_resident_id: null,
      resident_id: null,
      post_month: null,
      due_date: null,
      allocations: [],
    });
  });

  it('keeps money exact: 0.1 + 0.2, a nine-figure amount, zero and a credit', () => {
    const amount = (TotalAmount: unknown) => canonical('resident_charges', { ...CHARGE, TotalAmount }).amount_in_cents;
    expect(amount(0.1 + 0.2)).toBe(30);
    expect(amount(0.3)).toBe(30);
    expect(amount(1234567.89)).toBe(123456789);
    expect(amount(987654321.99)).toBe(98765432199);
    expect(amount(0)).toBe(0);
    expect(amount(-25.1)).toBe(-2510);
    expect(canonical('resident_charges', { ...CHARGE, TotalAmount: 0.1 + 0.2 }).amount_raw).toBe('0.30000000000000004');
  });

  it('maps a payment: payer, method, check number before the line reference', () => {
    expect(canonical('resident_payments', PAYMENT)).toMatchObject({
      x_property_id: '42',
      x_lease_id: '900',
      lease_id: ref('leases', '900'),
      x_resident_id: '501',
      resident_id: ref('residents', '501'),
      x_gl_account_id: '4000',
      amount_in_cents: 125050,
      amount_raw: '1250.5',
      payment_method_raw: 'Check',
      payment_method_normalized: 'CHECK',
      reference_number: '1042',
      description: 'March rent',
      transaction_date: '2026-03-03T00:00:00.000Z',
      custom_data: { transaction_type: 'Payment' },
      name: null,
      allocations: [],
    });
    const { CheckNumber: _c, ...noCheck } = PAYMENT;
    expect(canonical('resident_payments', noCheck).reference_number).toBe('R-1');
  });

  it("maps every payment method of buildium.md's table, and reports an unknown one as OTHER", () => {
    const expected: Record<string, string> = {
      Check: 'CHECK',
      Cash: 'CASH',
      RetailCash: 'CASH',
      MoneyOrder: 'MONEYORDER',
      CashierCheck: 'CASHIERCHECK',
      DirectDeposit: 'DIRECTDEPOSIT',
      CreditCard: 'CREDITCARD',
      ElectronicPayment: 'ELECTRONICPAYMENT',
      BuildiumEFT: 'ELECTRONICPAYMENT',
      BuildiumCC: 'ELECTRONICPAYMENT',
      None: 'OTHER',
    };
    expect(PAYMENT_METHOD).toEqual(expected);
    // Every method a payment can be posted with (the spec's Post enum) is in the table.
    for (const method of SCHEMAS.LeaseLedgerPaymentPostMessage.properties.PaymentMethod.enum as string[])
      expect(Object.keys(expected)).toContain(method);
    for (const [method, normalized] of Object.entries(expected))
      expect(canonical('resident_payments', { ...PAYMENT, PaymentMethod: method }).payment_method_normalized).toBe(
        normalized,
      );
    const reported: Array<[string, string, string | null]> = [];
    const reporting: MappingContext = { ...ctx, unknownValue: (...args) => reported.push(args) };
    const values = canonical('resident_payments', { ...PAYMENT, PaymentMethod: 'Barter' }, reporting);
    expect([values.payment_method_raw, values.payment_method_normalized]).toEqual(['Barter', 'OTHER']);
    expect(reported).toEqual([['payment_method_normalized', 'Barter', 'OTHER']]);
  });

  it('reads a reversal as a negative payment whatever the sign Buildium sends, keeping the amount as sent', () => {
    for (const type of ['ReversePayment', 'ReverseElectronicFundsTransfer'])
      for (const TotalAmount of [1250.5, -1250.5]) {
        const values = canonical('resident_payments', {
          ...PAYMENT,
          TransactionType: type,
          TransactionTypeEnum: type,
          TotalAmount,
        });
        expect([values.amount_in_cents, values.amount_raw, values.custom_data]).toEqual([
          -125050,
          String(TotalAmount),
          { transaction_type: type },
        ]);
      }
    const eft = {
      ...PAYMENT,
      TransactionType: 'ElectronicFundsTransfer',
      TransactionTypeEnum: 'ElectronicFundsTransfer',
    };
    expect(canonical('resident_payments', eft).amount_in_cents).toBe(125050);
    // The types a sync asks for: every reversal of a payment is read with the payments.
    expect(LEDGER_TRANSACTION_TYPES.resident_payments).toEqual([
      'Payment',
      'ElectronicFundsTransfer',
      'ReversePayment',
      'ReverseElectronicFundsTransfer',
    ]);
    expect(LEDGER_TRANSACTION_TYPES.resident_charges).toEqual(['Charge']);
  });

  it('quarantines malformed records with a reason instead of guessing', () => {
    const bad: Array<[Model, unknown, RegExp]> = [
      ['service_requests', { ...TASK, Property: null }, /Property\.Id/],
      ['service_requests', { ...TASK, Id: undefined }, /Id/],
      ['service_requests', { ...TASK, DueDate: 'soon' }, /DueDate/],
      ['resident_charges', { ...CHARGE, Journal: { Lines: [] } }, /PropertyId/],
      ['resident_charges', { ...CHARGE, TotalAmount: 'lots' }, /TotalAmount/],
      ['resident_charges', { ...CHARGE, TotalAmount: 2 ** 60 }, /TotalAmount/],
      ['resident_payments', { ...PAYMENT, Date: '2026-02-30' }, /Date/],
      ['resident_payments', [PAYMENT], /not an object/],
    ];
    for (const [model, raw, reason] of bad)
      expect(() => mapBuildiumRecord(model, raw, ctx)).toThrow(
        expect.objectContaining({ constructor: MalformedRecordError, message: expect.stringMatching(reason) }),
      );
  });
});
