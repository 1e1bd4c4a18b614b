import fs from 'node:fs';
import path from 'node:path';
import type { PropertywareRestModel } from '../../src/fetch/propertyware-rest/propertyware-rest.facts';
import { recordId } from '../../src/platform/common/ids';
import { toCanonicalRecord, type MappingContext } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { propertywareRestAdapter as adapter } from '../../src/fetch/propertyware-rest/propertyware-rest.adapter';
import { PAYMENT_METHOD } from '../../src/fetch/propertyware-rest/propertyware-rest.facts';

const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};
const canonical = (model: PropertywareRestModel, raw: unknown, context = ctx) =>
  toCanonicalRecord(model, adapter.map(model, raw, context)!, context);
const id = (model: PropertywareRestModel, xId: string) => recordId('int_1', model, xId);

/** Recorded pages (test/fixtures/propertyware-rest), written by hand from the contract as the vendor sends them. */
const fixture = (name: string): any[] =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/propertyware-rest', `${name}.json`), 'utf8'));
const PAGES: Record<PropertywareRestModel, any[]> = {
  properties: fixture('buildings'),
  units: fixture('units'),
  leases: fixture('leases'),
  residents: fixture('contacts'),
  service_requests: fixture('workorders'),
  resident_charges: fixture('charges'),
  resident_payments: fixture('payments'),
};
/** A contact as the client yields it: with the leases naming it (the adapter's hydration). */
const hydrated = (contact: any) => ({
  ...contact,
  leases: PAGES.leases
    .filter((l) => (l.contacts ?? []).some((c: any) => c.id === contact.id))
    .map((l) => ({ id: l.id, buildingID: l.buildingID, unitID: l.unitID, status: l.status, startDate: l.startDate })),
});
const SPEC = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../docs/reference/propertyware-openapi.json'), 'utf8'),
);
/** A context that records what the mapping reports as unknown. */
function reportingContext() {
  const reported: Array<[string, string, string | null]> = [];
  return {
    reported,
    ctx: {
      ...ctx,
      unknownValue: (field: string, value: string, mappedTo: string | null) => reported.push([field, value, mappedTo]),
    } as MappingContext,
  };
}

describe('Propertyware REST mapping (recorded pages)', () => {
  it("fixtures use only field names of the spec schemas (the adapter's known fields)", () => {
    for (const [model, records] of Object.entries(PAGES) as Array<[PropertywareRestModel, any[]]>) {
      const known = new Set(adapter.expectedFields[model]!.known);
      for (const record of records) expect(Object.keys(record).filter((k) => !known.has(k))).toEqual([]);
    }
  });

  it('maps a building: address, manager, area, portfolio, and the propertyType table', () => {
    const [elm, harbor] = PAGES.properties.map((b) => canonical('properties', b));
    expect(elm.id).toBe(id('properties', '4718598'));
    expect(elm.values).toMatchObject({
      property_id: elm.id,
      x_property_id: '4718598',
      name: 'Elm Court',
      code: 'ELM12',
      is_active: true,
      number_of_units: 12,
      year_built: 1962,
      street_address_1: '12 Elm St',
      street_address_2: null,
      address_1: '12 Elm St',
      city: 'Boston',
      state: 'MA',
      zip: '02118',
      country: 'USA',
      county: 'Suffolk',
      website: 'https://elmcourt.example.com',
      square_feet: 18250,
      x_created_at: '2021-03-04T15:20:11.000Z',
      type: 'APARTMENT',
      type_raw: 'APARTMENT',
      type_normalized: 'MULTI_FAMILY',
      manager_name: 'Dana Whitfield',
      manager_email: 'dana.whitfield@example.com',
      custom_data: { portfolio_id: '4653058' },
    });
    // Quirk: reads send the display string the spec's enum does not list; it maps as its code does. Deactivated stays a record.
    expect(harbor.values).toMatchObject({
      type_raw: 'Du/Fourplex',
      type_normalized: 'MULTI_FAMILY',
      is_active: false,
      square_feet: 1292,
      code: null,
      street_address_2: 'Rear',
      custom_data: null,
      manager_name: null,
    });
  });

  it('maps units: building link, bedrooms and bathrooms, occupancy, market rent; unknown area units leave the area unknown', () => {
    const [unit, rear] = PAGES.units.map((u) => canonical('units', u));
    expect(unit.values).toMatchObject({
      x_property_id: '4718598',
      property_id: id('properties', '4718598'),
      number: '301',
      floor: '3',
      bedrooms: '2',
      bathrooms: '1.5',
      bathrooms_full: 1,
      bathrooms_half: 1,
      square_feet: 900,
      rent_amount_market_in_cents: 185050,
      is_vacant: true,
      is_available: true,
      is_listed: false,
      address_2: 'Unit 3',
      street_address_2: 'Unit 3',
    });
    expect(rear.values).toMatchObject({
      bedrooms: '0',
      bathrooms: '1',
      bathrooms_full: 1,
      bathrooms_half: 0,
      square_feet: null,
      rent_amount_market_in_cents: null,
      is_vacant: false,
    });
  });

  it('maps a lease: the status table, dates, rent and balance, and links to every contact with its role', () => {
    const [lease, holdover] = PAGES.leases.map((l) => canonical('leases', l));
    expect(lease.values).toMatchObject({
      x_property_id: '4718598',
      property_id: id('properties', '4718598'),
      x_unit_id: '4849670',
      unit_id: id('units', '4849670'),
      x_resident_id: '5242881',
      status: 'Active - Notice Given',
      status_raw: 'Active - Notice Given',
      status_normalized: 'ACTIVE',
      start_date: '2024-07-01T00:00:00.000Z',
      end_date: '2025-06-30T00:00:00.000Z',
      signature_date: '2024-06-12T00:00:00.000Z',
      realized_move_in_date: '2024-07-01T00:00:00.000Z',
      realized_move_out_date: null,
      scheduled_move_out_date: '2025-06-30T00:00:00.000Z',
      rent_amount_in_cents: 179999,
      balance_amount_in_cents: 12550,
      balance_amount_raw: '125.5',
    });
    expect(lease.links?.map((k) => k.values)).toEqual([
      expect.objectContaining({
        resident_id: id('residents', '5242881'),
        lease_id: lease.id,
        x_lease_id: '14680071',
        x_resident_type: 'Tenant',
        resident_type_normalized: 'PRIMARY',
        move_in_date: '2024-07-01T00:00:00.000Z',
        notice_date: '2025-05-01T00:00:00.000Z',
      }),
      expect.objectContaining({ resident_id: id('residents', '5242882'), resident_type_normalized: 'SECONDARY' }),
      expect.objectContaining({
        resident_id: id('residents', '5242883'),
        x_resident_type: 'Guarantor',
        resident_type_normalized: 'GUARANTOR',
      }),
    ]);
    // Quirk: an organization's own status is not in our table: OTHER, raw value kept.
    expect(holdover.values).toMatchObject({
      status_raw: 'Holdover',
      status_normalized: 'OTHER',
      x_resident_id: null,
      balance_amount_in_cents: 0,
    });
    expect(holdover.links).toEqual([]);
    for (const [status, normalized] of [
      ['Active', 'ACTIVE'],
      ['Draft', 'PENDING'],
      ['Terminated', 'INACTIVE'],
      ['Eviction', 'EVICTED'],
      ['Future', 'PENDING'],
      ['Evicted', 'EVICTED'],
    ]) {
      expect(canonical('leases', { ...PAGES.leases[0], status }).values.status_normalized).toBe(normalized);
    }
  });

  it('maps every lease status the spec names (SaveLease.status description; Lease.status names none) deliberately, not to OTHER', () => {
    const described = SPEC.components.schemas.SaveLease.properties.status.description as string;
    const named = [...described.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(named).toEqual(['Active', 'Active - Notice Given', 'Draft', 'Eviction', 'Terminated']);
    const expected: Record<string, string> = {
      Active: 'ACTIVE',
      'Active - Notice Given': 'ACTIVE',
      Draft: 'PENDING',
      Eviction: 'EVICTED',
      Terminated: 'INACTIVE',
    };
    const { reported, ctx: reporting } = reportingContext();
    for (const status of named)
      expect([status, canonical('leases', { ...PAGES.leases[0], status }, reporting).values.status_normalized]).toEqual(
        [status, expected[status]],
      );
    expect(reported).toEqual([]);
  });

  it("maps every propertyType of the spec's enum, and the display string reads send for each, deliberately", () => {
    const codes: string[] = SPEC.components.schemas.Building.properties.propertyType.enum;
    const expected: Record<string, string> = {
      NONE: 'OTHER',
      APARTMENT: 'MULTI_FAMILY',
      CONDO: 'MULTI_FAMILY',
      COMMERCIAL: 'COMMERCIAL',
      DU_FOUR_PLEX: 'MULTI_FAMILY',
      HOUSE: 'SINGLE_FAMILY',
      SECTION_8_AFFORDABLE: 'MULTI_FAMILY',
      SENIOR: 'MULTI_FAMILY',
      SHORT_TERM_VACATION: 'VACATION',
      STUDENT: 'STUDENT_HOUSING',
      TOWNHOUSE: 'MULTI_FAMILY',
      OTHER: 'OTHER',
    };
    // The display strings of the contract's write table (Apartment → APARTMENT, …, Other → OTHER).
    const display: Record<string, string> = {
      None: 'NONE',
      Apartment: 'APARTMENT',
      Condo: 'CONDO',
      Commercial: 'COMMERCIAL',
      'Du/Fourplex': 'DU_FOUR_PLEX',
      House: 'HOUSE',
      'Section 8/Affordable': 'SECTION_8_AFFORDABLE',
      Senior: 'SENIOR',
      'Short-term/vacation': 'SHORT_TERM_VACATION',
      Student: 'STUDENT',
      Townhouse: 'TOWNHOUSE',
      Other: 'OTHER',
    };
    expect([...codes].sort()).toEqual(Object.keys(expected).sort());
    const { reported, ctx: reporting } = reportingContext();
    const typeOf = (propertyType: string) =>
      canonical('properties', { ...PAGES.properties[0], propertyType }, reporting).values.type_normalized;
    for (const code of codes) expect([code, typeOf(code)]).toEqual([code, expected[code]]);
    for (const [text, code] of Object.entries(display)) expect([text, typeOf(text)]).toEqual([text, expected[code]]);
    expect(reported).toEqual([]);
  });

  it('reports a value no table knows, field by field, and still maps it to OTHER with the raw value kept', () => {
    const { reported, ctx: reporting } = reportingContext();
    const lease = canonical(
      'leases',
      {
        ...PAGES.leases[0],
        status: 'Holdover',
        contacts: [
          { id: 1, primary: true, role: 'Tenant' },
          { id: 2, primary: false, role: 'Roommate' },
        ],
      },
      reporting,
    );
    const building = canonical('properties', { ...PAGES.properties[0], propertyType: 'Single Family' }, reporting);
    expect([
      lease.values.status_raw,
      lease.values.status_normalized,
      building.values.type_raw,
      building.values.type_normalized,
    ]).toEqual(['Holdover', 'OTHER', 'Single Family', 'OTHER']);
    expect(lease.links?.map((l) => l.values.resident_type_normalized)).toEqual(['PRIMARY', 'OTHER']);
    expect(reported).toEqual([
      ['resident_type_normalized', 'Roommate', 'OTHER'],
      ['status_normalized', 'Holdover', 'OTHER'],
      ['type_normalized', 'Single Family', 'OTHER'],
    ]);
    // "constructor" is a vendor value like any other, not a key of Object's prototype.
    expect(canonical('leases', { ...PAGES.leases[0], status: 'constructor' }).values.status_normalized).toBe('OTHER');
  });

  it('maps a tenant contact: names, lowercase emails, the first two filled phones in priority order, birthday, address', () => {
    const [ana, luis] = PAGES.residents.map((c) => canonical('residents', hydrated(c)));
    expect(ana.id).toBe(id('residents', '5242881'));
    expect(ana.values).toMatchObject({
      first_name: 'Ana',
      middle_name: 'Lucía',
      last_name: 'Reyes',
      email_1: 'ana@example.com',
      email_2: 'ana.work@example.org',
      phone_1: '6175550199',
      phone_1_type: 'MOBILE',
      phone_2: '6175550100',
      phone_2_type: 'HOME',
      date_of_birth: '1988-02-29T00:00:00.000Z',
      notes: 'Prefers text messages.',
      address_1: '12 Elm St',
      address_2: 'Unit 3',
      city: 'Boston',
      state: 'MA',
      zip: '02118',
    });
    // Empty and null phone fields are skipped: work and other fill the two slots.
    expect(luis.values).toMatchObject({
      email_1: null,
      phone_1: '617-555-0177 ext. 4',
      phone_1_type: 'WORK',
      phone_2: '5550100200',
      phone_2_type: 'OTHER',
      date_of_birth: null,
      address_1: null,
    });
    const none = canonical('residents', {
      id: 1,
      firstName: 'No',
      lastName: 'Phones',
      leases: [{ id: 9, buildingID: 90, status: 'Active' }],
    });
    expect(none.values).toMatchObject({
      phone_1: null,
      phone_2: null,
      phone_1_type: 'OTHER',
      phone_2_type: 'OTHER',
      x_lease_id: '9',
      property_id: id('properties', '90'),
    });
  });

  it('quarantines a tenant on no lease: a Propertyware contact names no building, and a resident needs a property', () => {
    const [contact] = PAGES.residents;
    for (const leases of [[], undefined])
      expect(() => canonical('residents', { ...contact, leases })).toThrow(/on no lease/);
  });

  it('places a tenant by the leases the client hydrated it with: current, else upcoming, else the latest', () => {
    const [contact] = PAGES.residents;
    const leases = [
      { id: 1, buildingID: 10, status: 'Terminated', startDate: '2025-01-01' },
      { id: 2, buildingID: 20, status: 'Future', startDate: '2026-09-01' },
      { id: 3, buildingID: 30, status: 'Active - Notice Given', startDate: '2023-01-01' },
    ];
    expect(canonical('residents', { ...contact, leases }).values).toMatchObject({
      x_lease_id: '3',
      x_property_id: '30',
      property_id: id('properties', '30'),
    });
    expect(canonical('residents', { ...contact, leases: leases.slice(0, 2) }).values).toMatchObject({
      x_lease_id: '2',
      x_property_id: '20',
    });
    expect(
      canonical('residents', {
        ...contact,
        leases: [leases[0], { id: 4, buildingID: 40, status: 'Evicted', startDate: '2025-06-01' }],
      }).values.x_lease_id,
    ).toBe('4');
  });

  it('rejects malformed records with a reason instead of guessing', () => {
    const [contact] = PAGES.residents;
    const [lease] = PAGES.leases;
    const [unit] = PAGES.units;
    expect(() => canonical('residents', { ...hydrated(contact), id: undefined })).toThrow(MalformedRecordError);
    expect(() => canonical('residents', { ...hydrated(contact), id: { nested: true } })).toThrow(/id/);
    expect(() => canonical('residents', { ...hydrated(contact), birthDate: '29/02/1988' })).toThrow(/birthDate/);
    expect(() => canonical('leases', { ...lease, startDate: '2024-02-30' })).toThrow(/startDate/);
    expect(() => canonical('leases', { ...lease, baseRent: 'lots' })).toThrow(/baseRent/);
    expect(() => canonical('leases', { ...lease, contacts: [{ firstName: 'No id' }] })).toThrow(/contacts\[\]\.id/);
    expect(() => canonical('leases', { ...lease, contacts: 'Ana' })).toThrow(/contacts/);
    expect(() => canonical('units', { ...unit, buildingID: undefined })).toThrow(/buildingID/);
    expect(() => canonical('units', { ...unit, numberOfBathrooms: 'two' })).toThrow(/numberOfBathrooms/);
    expect(() => canonical('properties', { ...PAGES.properties[0], active: 'sometimes' })).toThrow(/active/);
    expect(() => canonical('residents', { ...hydrated(contact), firstName: { given: 'Ana' } })).toThrow(
      MalformedRecordError,
    );
    expect(() => canonical('residents', null)).toThrow(MalformedRecordError);
  });

  it('names the vendor id of a raw record for quarantine reports', () => {
    expect(adapter.vendorId('residents', { id: 5242881 })).toBe('5242881');
    expect(adapter.vendorId('residents', { id: { corrupt: true } })).toBeNull();
    expect(adapter.vendorId('residents', null)).toBeNull();
  });
});

/** A work order as the client yields it: with its unit's name. */
const withUnit = (order: any, unitName = 'Unit 3B') => ({ ...order, unitName });
/** A charge or payment as the client yields it: with its lease's building and unit. */
const located = (record: any) => ({ ...record, leaseLocation: { buildingID: 4718598, unitID: 4849101 } });

describe('Propertyware REST mapping: service requests, resident charges and payments', () => {
  it('maps a work order value by value (models.md §5): building, unit, authorizeEnter, dates, vendors', () => {
    const [inProgress, completed, lobby] = PAGES.service_requests.map((w) =>
      canonical('service_requests', withUnit(w)),
    );
    expect(inProgress.id).toBe(id('service_requests', '910331'));
    expect(inProgress.values).toMatchObject({
      x_property_id: '4718598',
      property_id: id('properties', '4718598'),
      x_unit_id: '4849101',
      unit_id: id('units', '4849101'),
      access_is_authorized: true,
      date_created: '2025-11-03T09:12:44.000Z',
      date_scheduled: '2025-11-04T14:30:00.000Z',
      date_completed: null,
      date_due: null,
      service_category: 'Plumbing',
      service_description: 'Water under the kitchen sink',
      service_details: 'Water under the kitchen sink',
      service_priority: 'HIGH',
      status_raw: 'In Progress',
      unit_number: 'Unit 3B',
      order_number: '1207',
      employee_id: null,
      vendors: [{ vendor_id: '6200011' }, { vendor_id: '6200014' }],
      history: [],
      employees: [],
    });
    // No unitID: the first of unitIDs; authorizeEnter NO is no access.
    expect(completed.values).toMatchObject({
      x_unit_id: '4849102',
      unit_id: id('units', '4849102'),
      access_is_authorized: false,
      date_completed: '2025-11-10T00:00:00.000Z',
      service_priority: 'LOW',
      status_raw: 'Completed',
      vendors: [],
    });
    // A building-wide order: no unit, so no unit number; no authorizeEnter is unknown access.
    expect(lobby.values).toMatchObject({
      x_unit_id: null,
      unit_id: null,
      unit_number: null,
      access_is_authorized: null,
      service_priority: null,
      vendors: [],
    });
  });

  it("maps every authorizeEnter of the spec's enum: only NO withholds access", () => {
    const enums = SPEC.components.schemas.WorkOrder.properties.authorizeEnter.enum as string[];
    expect(enums.sort()).toEqual(['ANYTIME', 'NO', 'SPECIFIEDTIME']);
    const access = (authorizeEnter: string) =>
      canonical('service_requests', { id: 1, buildingID: 2, authorizeEnter }).values.access_is_authorized;
    expect(enums.map((v) => [v, access(v)])).toEqual([
      ['ANYTIME', true],
      ['NO', false],
      ['SPECIFIEDTIME', true],
    ]);
  });

  it('maps a charge value by value, its payments[] as allocations, in exact cents', () => {
    const [rent, water, credit] = PAGES.resident_charges.map((c) => canonical('resident_charges', located(c)));
    expect(rent.id).toBe(id('resident_charges', '27300101'));
    expect(rent.values).toMatchObject({
      x_property_id: '4718598',
      property_id: id('properties', '4718598'),
      x_unit_id: '4849101',
      unit_id: id('units', '4849101'),
      x_lease_id: '14680021',
      lease_id: id('leases', '14680021'),
      x_resident_id: null,
      resident_id: null,
      x_gl_account_id: '4100001',
      financial_account_id: '4100001',
      x_charge_code_id: null,
      amount_in_cents: 185025,
      amount_raw: '1850.25',
      amount_open_in_cents: 85025,
      amount_open_raw: '850.25',
      amount_paid_in_cents: 100000,
      amount_paid_raw: '1000',
      is_open: true,
      description: 'Rent December',
      reference_number: 'CHG-2025-12',
      transaction_date: '2025-12-01T00:00:00.000Z',
      post_month: null,
      due_date: null,
      custom_data: { portfolio_id: '4653001' },
    });
    expect(rent.values.allocations).toEqual([
      {
        id: expect.any(String), // the ETL's, from the item's x_id
        x_id: '28400201-27300101',
        x_source_id: '28400201',
        x_destination_id: '27300101',
        amount_in_cents: 100000,
        amount_raw: '1000',
        financial_account_id: '1010001',
        custom_data: null,
        resident_charge_id: id('resident_charges', '27300101'),
        resident_payment_id: id('resident_payments', '28400201'),
      },
    ]);
    // 0.1 + 0.2 paid in two parts: exactly 30 cents, 10 and 20.
    expect(water.values).toMatchObject({ amount_in_cents: 30, amount_open_in_cents: 0, is_open: false });
    expect((water.values.allocations as any[]).map((a) => [a.x_source_id, a.amount_in_cents])).toEqual([
      ['28400202', 10],
      ['28400203', 20],
    ]);
    // A credit stays negative; a visible recharge keeps its parent.
    expect(credit.values).toMatchObject({
      amount_in_cents: -4550,
      amount_raw: '-45.5',
      is_open: false,
      custom_data: { parent_tx_id: '27300090' },
      allocations: [],
    });
  });

  it('leaves a hidden recharge out (the spec: not in the ledger balance), and quarantines a charge whose lease is unknown', () => {
    expect(
      adapter.map('resident_charges', { ...located(PAGES.resident_charges[2]), hiddenRecharge: true }, ctx),
    ).toBeNull();
    expect(() => adapter.map('resident_charges', PAGES.resident_charges[0], ctx)).toThrow(
      /lease 14680021 was not found/,
    );
  });

  it('maps a payment value by value; a reversal is a negative payment', () => {
    const [paid, reversal] = PAGES.resident_payments.map((p) => canonical('resident_payments', located(p)));
    expect(paid.values).toMatchObject({
      x_property_id: '4718598',
      property_id: id('properties', '4718598'),
      x_unit_id: '4849101',
      x_lease_id: '14680021',
      lease_id: id('leases', '14680021'),
      x_resident_id: '5242007',
      resident_id: id('residents', '5242007'),
      x_gl_account_id: '1010001',
      financial_account_id: '1010001',
      payment_method_raw: 'NACHA',
      payment_method_normalized: 'ELECTRONICPAYMENT',
      amount_in_cents: 100000,
      amount_raw: '1000',
      description: 'Payment received',
      reference_number: 'ACH-77',
      transaction_date: '2025-12-03T00:00:00.000Z',
      is_open: null,
      custom_data: { portfolio_id: '4653001', deposit_date: '2025-12-05', is_deposited: true },
      allocations: [],
    });
    expect(reversal.values).toMatchObject({
      amount_in_cents: -100000,
      amount_raw: '-1000',
      payment_method_normalized: 'CHECK',
      description: 'Reversal of payment 28400201',
      custom_data: { is_deposited: false },
    });
  });

  it("maps every paymentType of the spec's enum as the vendor file's table says, and reports a value outside it", () => {
    const enums = SPEC.components.schemas.Payment.properties.paymentType.enum as string[];
    expect(Object.keys(PAYMENT_METHOD).sort()).toEqual([...enums].sort());
    const { reported, ctx: reporting } = reportingContext();
    const method = (paymentType: string) =>
      canonical('resident_payments', located({ id: 1, leaseID: 2, amount: 5, paymentType }), reporting).values
        .payment_method_normalized;
    expect(Object.fromEntries(enums.map((v) => [v, method(v)]))).toEqual({
      CHECK: 'CHECK',
      CHECK21: 'CHECK',
      CASHIERS_CHECK: 'CASHIERCHECK',
      CREDIT_CARD: 'CREDITCARD',
      CASH: 'CASH',
      MONEY_ORDER: 'MONEYORDER',
      OTHER: 'OTHER',
      CLICKPAY: 'ELECTRONICPAYMENT',
      SECTION8: 'OTHER',
      EPAY: 'ELECTRONICPAYMENT',
      ECHECK: 'ELECTRONICPAYMENT',
      NACHA: 'ELECTRONICPAYMENT',
      RENTMONEY: 'ELECTRONICPAYMENT',
      PUBLIC_ASSISTANCE: 'OTHER',
      PAYMENT_TYPE_NA: 'OTHER',
    });
    expect(reported).toEqual([]);
    expect(method('VENMO')).toBe('OTHER');
    expect(reported).toEqual([['payment_method_normalized', 'VENMO', 'OTHER']]);
  });

  it('keeps money exact: 0.1 + 0.2, a 9-figure amount, negatives; never rounds an inexact one', () => {
    const amount = (value: unknown) =>
      canonical('resident_payments', located({ id: 1, leaseID: 2, amount: value })).values.amount_in_cents;
    expect(amount(0.1 + 0.2)).toBe(30);
    expect(amount(123456789.01)).toBe(12345678901);
    expect(amount(987654321.99)).toBe(98765432199);
    expect(amount(-0.07)).toBe(-7);
    expect(amount(0)).toBe(0);
    expect(() => canonical('resident_payments', located({ id: 1, leaseID: 2, amount: 'ten' }))).toThrow(
      MalformedRecordError,
    );
    expect(() => canonical('resident_payments', located({ id: 1, leaseID: 2, amount: 2 ** 60 }))).toThrow(
      MalformedRecordError,
    );
  });

  it('quarantines malformed work orders, charges and payments with a reason', () => {
    const bad: Array<[PropertywareRestModel, unknown, RegExp]> = [
      ['service_requests', { id: 1 }, /buildingID/],
      ['service_requests', { id: 1, buildingID: 2, assignedVendors: [{ name: 'No id' }] }, /assignedVendors\[\]\.id/],
      ['service_requests', { id: 1, buildingID: 2, createdDateTime: 'soon' }, /createdDateTime/],
      ['resident_charges', located({ id: 1, leaseID: 2, amount: 5, payments: 'none' }), /payments/],
      [
        'resident_charges',
        located({ id: 1, leaseID: 2, amount: 5, payments: [{ chargeAmountPaid: 1 }] }),
        /payments\[\]\.id/,
      ],
      ['resident_charges', located({ id: 1, amount: 5 }), /leaseID/],
      ['resident_payments', located({ id: 1, leaseID: 2, amount: 5, date: '31/12/2025' }), /date/],
    ];
    for (const [model, raw, reason] of bad) expect(() => canonical(model, raw)).toThrow(reason);
  });
});
