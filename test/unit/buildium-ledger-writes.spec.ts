import fs from 'node:fs';
import path from 'node:path';
import {
  BUILDIUM_WRITE_FIELDS,
  chargeMessage,
  paymentMessage,
  requestPostMessage,
  requestPutMessage,
} from '../../src/fetch/buildium/buildium.writes';

const SCHEMAS = JSON.parse(fs.readFileSync(path.join(__dirname, '../../docs/reference/buildium-openapi.json'), 'utf8'))
  .components.schemas;
const specEnum = (schema: string, property: string): string[] => SCHEMAS[schema].properties[property].enum;

/** buildium.md's write tables for service requests, charges and payments, value by value. */
describe('Buildium writes of service requests, charges and payments (buildium.md)', () => {
  it('creates a resident request: Title, lease, requester, the priority table, status New and priority Normal unless given', () => {
    expect(
      requestPostMessage({
        service_description: 'Cracked window',
        service_details: 'Lower pane',
        service_request_category_id: '3',
        lease_id: '900',
        resident_id: '501',
        employee_id: '9004',
        service_status: 'InProgress',
        service_priority: 'Med',
        due_date: '2026-12-20T10:00:00Z',
        access_is_authorized: false,
        has_pets: true,
        access_notes: 'Ring twice',
      }),
    ).toEqual({
      Title: 'Cracked window',
      Description: 'Lower pane',
      CategoryId: 3,
      UnitAgreementId: 900,
      RequestedByEntityId: 501,
      AssignedToUserId: 9004,
      TaskStatus: 'InProgress',
      Priority: 'Normal',
      DueDate: '2026-12-20',
      IsEntryPermittedByResident: false,
      DoesResidentHavePets: true,
      ResidentEntryNotes: 'Ring twice',
    });
    const minimal = { service_description: 'Leak', lease_id: '1', resident_id: '2' };
    expect(requestPostMessage(minimal)).toEqual({
      Title: 'Leak',
      UnitAgreementId: 1,
      RequestedByEntityId: 2,
      TaskStatus: 'New',
      Priority: 'Normal',
    });
    expect(requestPostMessage({ ...minimal, date_due: '2027-01-02' }).DueDate).toBe('2027-01-02');
    const priorities: Record<string, string> = {
      High: 'High',
      Emergency: 'High',
      '24 hours': 'High',
      Med: 'Normal',
      Low: 'Low',
    };
    for (const [canonical, buildium] of Object.entries(priorities)) {
      expect(requestPostMessage({ ...minimal, service_priority: canonical }).Priority).toBe(buildium);
      expect(specEnum('ResidentRequestTaskPostMessage', 'Priority')).toContain(buildium);
    }
    // Every canonical priority of the spec's write input is in the table; another is refused before any job.
    const checks = BUILDIUM_WRITE_FIELDS.service_requests!.create!.checks!;
    for (const value of ['High', 'Low', 'Med', '24 hours', 'Emergency'])
      expect(checks.service_priority(value)).toBeNull();
    expect(checks.service_priority('Urgent')).toMatch(/Priority/);
  });

  it('updates a resident request over its current values: status from service_status, else status_raw, else as it was', () => {
    const current = {
      Id: 7,
      Title: 'Leak',
      Description: 'Kitchen',
      Category: { Id: 3, Name: 'Plumbing', SubCategory: { Id: 31, Name: 'Leak' } },
      AssignedToUserId: 9004,
      TaskStatus: 'New',
      Priority: 'High',
      DueDate: '2026-12-20',
    };
    expect(requestPutMessage(current, {})).toEqual({
      Title: 'Leak',
      CategoryId: 3,
      SubCategoryId: 31,
      AssignedToUserId: 9004,
      TaskStatus: 'New',
      Priority: 'High',
      DueDate: '2026-12-20',
    });
    expect(
      requestPutMessage(current, {
        service_description: 'Leak fixed',
        notes: 'Parts replaced',
        service_request_category_id: '4',
        employee_id: null,
        service_priority: 'Low',
        due_date: null,
      }),
    ).toEqual({
      Title: 'Leak fixed',
      Message: 'Parts replaced',
      CategoryId: 4,
      TaskStatus: 'New',
      Priority: 'Low',
    });
    const statuses: Record<string, string> = {
      'In Progress': 'InProgress',
      Completed: 'Completed',
      'Work Completed': 'Completed',
      Canceled: 'Closed',
      'On Hold': 'Deferred',
    };
    for (const [raw, status] of Object.entries(statuses)) {
      expect(requestPutMessage(current, { status_raw: raw }).TaskStatus).toBe(status);
      expect(specEnum('ResidentRequestTaskPutMessage', 'TaskStatus')).toContain(status);
    }
    expect(requestPutMessage(current, { service_status: 'Closed', status_raw: 'On Hold' }).TaskStatus).toBe('Closed');
    const checks = BUILDIUM_WRITE_FIELDS.service_requests!.update!.checks!;
    expect(checks.status_raw('Work Completed')).toBeNull();
    expect(checks.status_raw('Assessment')).toMatch(/TaskStatus/);
  });

  it('posts a charge: one line in dollars, exact, on its GL account (financial_account_id, else charge_code_id)', () => {
    expect(
      chargeMessage({
        lease_id: '900',
        amount_in_cents: 123456789,
        financial_account_id: '4100',
        transaction_date: '2026-12-01T00:00:00Z',
        description: 'Settlement',
        reference_number: 'S-42',
      }),
    ).toEqual({
      Date: '2026-12-01',
      Memo: 'Settlement',
      Lines: [{ Amount: 1234567.89, GLAccountId: 4100, ReferenceNumber: 'S-42' }],
    });
    const small = chargeMessage({ amount_in_cents: 30, charge_code_id: '4010', notes: 'Water' });
    expect(small).toEqual({
      Date: new Date().toISOString().slice(0, 10),
      Memo: 'Water',
      Lines: [{ Amount: 0.3, GLAccountId: 4010 }],
    });
    expect(String(small.Lines[0].Amount)).toBe('0.3');
    const checks = BUILDIUM_WRITE_FIELDS.resident_charges!.create!.checks!;
    expect(checks.amount_in_cents(1)).toBeNull();
    for (const bad of [0, -100, 12.5]) expect(checks.amount_in_cents(bad)).toMatch(/positive/);
    expect(checks.financial_account_id('rent')).toMatch(/Buildium id/);
  });

  it('posts a payment: the payment type table, the payer, no e-mail receipt unless asked', () => {
    const methods: Record<string, string> = {
      Check: 'Check',
      Cash: 'Cash',
      'Money Order': 'MoneyOrder',
      'Cashiers Check': 'CashierCheck',
      'Credit Card': 'CreditCard',
      'Debit Card': 'CreditCard',
      ACH: 'DirectDeposit',
      eCheck: 'ElectronicPayment',
    };
    const base = { lease_id: '900', amount_in_cents: 125050, financial_account_id: '4100' };
    for (const [type, method] of Object.entries(methods)) {
      expect(paymentMessage({ ...base, payment_type: type }).PaymentMethod).toBe(method);
      expect(specEnum('LeaseLedgerPaymentPostMessage', 'PaymentMethod')).toContain(method);
    }
    expect(
      paymentMessage({
        ...base,
        payment_type: 'Check',
        resident_id: '501',
        transaction_date: '2026-12-02',
        description: 'December rent',
        reference_number: '1042',
      }),
    ).toEqual({
      Date: '2026-12-02',
      PaymentMethod: 'Check',
      PayeeUserId: 501,
      Memo: 'December rent',
      ReferenceNumber: '1042',
      SendEmailReceipt: false,
      Lines: [{ Amount: 1250.5, GLAccountId: 4100 }],
    });
    expect(paymentMessage({ ...base, payment_type: 'Cash', send_email_receipt: true }).SendEmailReceipt).toBe(true);
    const checks = BUILDIUM_WRITE_FIELDS.resident_payments!.create!.checks!;
    for (const type of Object.keys(methods)) expect(checks.payment_type(type)).toBeNull();
    expect(checks.payment_type('Barter')).toMatch(/PaymentMethod/);
  });
});
