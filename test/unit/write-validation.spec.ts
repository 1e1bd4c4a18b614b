import { CANONICAL_MODELS, CANONICAL_MODEL_NAMES, WRITE_OPERATIONS } from '../../src/catalogue/canonical-models';
import { writeSupport } from '../../src/fetch/adapter/vendor-adapter';
import { appfolioAdapter } from '../../src/fetch/appfolio/appfolio.adapter';
import { buildiumAdapter } from '../../src/fetch/buildium/buildium.adapter';
import { yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import { tenantMessage } from '../../src/fetch/buildium/buildium.writes';
import { specBodyIssues, specFields } from '../../src/serve/writes/spec-body';
import { referenceDocument } from '../support/propexo-schema';

describe('write declarations', () => {
  it("every model declares exactly the spec's writes of it, naming the spec's input and output schemas", () => {
    const document = referenceDocument('propexo-openapi.yml');
    const spec = document.components.schemas;
    const paths = Object.keys(document.paths);
    for (const model of CANONICAL_MODEL_NAMES)
      for (const operation of WRITE_OPERATIONS) {
        const { path, writes } = CANONICAL_MODELS[model];
        // The spec's POST /v1/<path>/ and PUT /v1/<path>/{…} (charges and payments have no PUT).
        const specPath = paths.find((p) =>
          operation === 'create' ? p === `/v1/${path}/` : new RegExp(`^/v1/${path}/\\{\\w+\\}$`).test(p),
        );
        const method = operation === 'create' ? 'post' : 'put';
        const inSpec = Boolean(specPath && document.paths[specPath][method]);
        const declared = writes[operation];
        expect([model, operation, Boolean(declared)]).toEqual([model, operation, inSpec]);
        if (!declared) continue;
        expect(spec[declared.input]).toBeDefined();
        expect(spec[declared.output]).toBeDefined();
        expect(specFields(declared.input).length).toBeGreaterThan(0);
      }
  });

  it('tells supported, lacking at the vendor and not built apart', () => {
    expect(writeSupport(buildiumAdapter, 'residents', 'create')).toMatchObject({ supported: true });
    for (const model of ['leases', 'properties', 'units'] as const)
      for (const operation of ['create', 'update'] as const)
        expect(writeSupport(buildiumAdapter, model, operation)).toMatchObject({ supported: true });
    expect(writeSupport(appfolioAdapter, 'residents', 'create')).toEqual({ supported: false, reason: 'vendor' });
    expect(writeSupport(yardiAdapter, 'units', 'update')).toEqual({ supported: false, reason: 'vendor' });
    expect(writeSupport(yardiAdapter, 'residents', 'update')).toMatchObject({ supported: true });
    // models.md §3: Buildium creates and updates service requests, creates charges and payments.
    for (const [model, operation] of [
      ['service_requests', 'create'],
      ['service_requests', 'update'],
      ['resident_charges', 'create'],
      ['resident_payments', 'create'],
    ] as const)
      expect(writeSupport(buildiumAdapter, model, operation)).toMatchObject({ supported: true });
    // A model an adapter does not map yet is not built, never "no upstream API".
    const unmapped = { ...buildiumAdapter, models: buildiumAdapter.models.filter((m) => m !== 'service_requests') };
    expect(writeSupport(unmapped, 'service_requests', 'create')).toEqual({ supported: false, reason: 'not_built' });
    expect(writeSupport(buildiumAdapter, 'resident_charges', 'update')).toEqual({ supported: false, reason: 'model' });
  });

  it("checks a body against the spec's input schema: types, formats, enums", () => {
    expect(specBodyIssues('_v1_residents__post_input', { integration_id: 'i', email_1: 'x@example.com' })).toEqual([]);
    expect(specBodyIssues('_v1_residents__post_input', {})).toEqual([
      { path: ['integration_id'], message: 'is required' },
    ]);
    expect(
      specBodyIssues('_v1_residents__post_input', {
        integration_id: 'i',
        email_1: 'nope',
        phone_1_type: 'PAGER',
        first_name: 3,
      }),
    ).toEqual([
      { path: ['first_name'], message: 'must be of type string' },
      { path: ['email_1'], message: 'must be an email address' },
      { path: ['phone_1_type'], message: 'must be one of FAX, HOME, MOBILE, OTHER, WORK' },
    ]);
  });
});

describe("Buildium's tenant PUT message", () => {
  const current = {
    Id: 5,
    FirstName: 'Ada',
    LastName: 'Byron',
    Email: 'ada@example.com',
    PhoneNumbers: [
      { Number: '555-0100', Type: 'Cell' },
      { Number: '555-0101', Type: 'Office' },
    ],
    DateOfBirth: '1990-12-10',
    Comment: 'Quiet',
    Address: { AddressLine1: '1 Main St', City: 'Boston', State: 'MA', PostalCode: '02110', Country: 'UnitedStates' },
    MailingPreference: 'PrimaryAddress',
  };

  it('keeps every current value the write does not change (Buildium blanks what a PUT leaves out)', () => {
    expect(tenantMessage(current, { email_1: 'new@example.com', city: 'Salem' })).toEqual({
      FirstName: 'Ada',
      LastName: 'Byron',
      Email: 'new@example.com',
      PhoneNumbers: { Mobile: '555-0100', Work: '555-0101' },
      DateOfBirth: '1990-12-10',
      Comment: 'Quiet',
      Address: { AddressLine1: '1 Main St', City: 'Salem', State: 'MA', PostalCode: '02110', Country: 'UnitedStates' },
      MailingPreference: 'PrimaryAddress',
    });
  });

  it('keeps a second number of one kind in a free slot (the write has one per kind)', () => {
    const twoCells = {
      ...current,
      PhoneNumbers: [
        { Number: '1', Type: 'Cell' },
        { Number: '2', Type: 'Cell' },
      ],
    };
    expect(tenantMessage(twoCells, {}).PhoneNumbers).toEqual({ Mobile: '1', Home: '2' });
  });

  it("writes phones by type into PhoneNumbersMessage and countries as Buildium's enum", () => {
    const message = tenantMessage(
      {},
      {
        phone_1: '5550000',
        phone_1_type: 'FAX',
        phone_2: '5551111',
        phone_2_type: 'OTHER',
        address_1: 'x',
        country: 'Canada',
      },
    );
    expect(message.PhoneNumbers).toEqual({ Fax: '5550000', Home: '5551111' });
    expect(message.Address).toEqual({ AddressLine1: 'x', Country: 'Canada' });
    expect(tenantMessage({}, { address_1: 'x', country: 'US' }).Address.Country).toBe('UnitedStates');
    expect(tenantMessage({}, { address_1: 'x', country: 'United States' }).Address.Country).toBe('UnitedStates');
  });
});
