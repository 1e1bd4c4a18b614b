import { CANONICAL_MODEL_NAMES, WRITE_OPERATIONS } from '../../src/catalogue/canonical-models';
import { writeSupport } from '../../src/fetch/adapter/vendor-adapter';
import { VendorRegistry } from '../../src/fetch/registry/vendor-registry';
import { specFieldShape } from '../../src/serve/writes/spec-body';
import { writeSupportCatalogue } from '../../src/serve/writes/write-support';

const registry = new VendorRegistry();
const adapters = registry.supportedVendors().map((vendor) => registry.get(vendor)!);

describe('GET /v1/admin/write-support (the catalogue the dashboard builds its write forms from)', () => {
  const catalogue = writeSupportCatalogue(adapters);

  it("lists every vendor's every declared write once, as writeSupport and the adapter's writeFields say", () => {
    const keys = catalogue.map((e) => `${e.integration_vendor} ${e.model} ${e.operation}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const adapter of adapters)
      for (const model of CANONICAL_MODEL_NAMES)
        for (const operation of WRITE_OPERATIONS) {
          const support = writeSupport(adapter, model, operation);
          const entry = catalogue.find(
            (e) => e.integration_vendor === adapter.vendor && e.model === model && e.operation === operation,
          );
          if (!support.supported && support.reason === 'model') {
            expect(entry).toBeUndefined();
            continue;
          }
          expect(entry).toBeDefined();
          expect(entry!.supported).toBe(support.supported);
          if (support.supported) {
            expect(entry!.reason).toBeNull();
            expect(entry!.fields.map((f) => f.name)).toEqual([...support.fields.writable]);
            expect(entry!.fields.filter((f) => f.required).map((f) => f.name)).toEqual(
              support.fields.writable.filter((f) => support.fields.required.includes(f)),
            );
          } else {
            expect(entry!.reason).toBe(support.reason);
            expect(entry!.fields).toEqual([]);
          }
        }
  });

  it('gives the route of each write and, for one a vendor lacks, the words of its 400', () => {
    const find = (vendor: string, model: string, operation: string) =>
      catalogue.find((e) => e.integration_vendor === vendor && e.model === model && e.operation === operation)!;
    expect(find('BUILDIUM', 'residents', 'create')).toMatchObject({
      method: 'POST',
      path: '/v1/residents/',
      noun: 'resident',
      supported: true,
    });
    expect(find('BUILDIUM', 'residents', 'update')).toMatchObject({ method: 'PUT', path: '/v1/residents/{id}' });
    expect(find('APPFOLIO', 'residents', 'create')).toMatchObject({
      supported: false,
      reason: 'vendor',
      message: 'APPFOLIO does not support create of residents (no upstream API)',
    });
    const lease = find('BUILDIUM', 'residents', 'create').fields.find((f) => f.name === 'lease_id');
    expect(lease).toMatchObject({ required: true, references: 'leases', type: 'string' });
  });

  it("folds a spec field's forms into one shape: open enums, plain dates, bounds, formats", () => {
    expect(specFieldShape('_v1_residents__post_input', 'country')).toMatchObject({
      type: 'string',
      enum: ['United States', 'Canada'],
      enum_open: true,
    });
    expect(specFieldShape('_v1_residents__post_input', 'phone_1_type')).toMatchObject({
      enum: ['FAX', 'HOME', 'MOBILE', 'OTHER', 'WORK'],
      enum_open: false,
    });
    expect(specFieldShape('_v1_residents__post_input', 'rent_due_day')).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 31,
    });
    expect(specFieldShape('_v1_residents__post_input', 'email_1')).toMatchObject({ format: 'email', enum: null });
    expect(specFieldShape('_v1_residents__post_input', 'date_of_birth').format).toBe('date-time');
    // date-time or a plain YYYY-MM-DD: a form may send the plain date.
    expect(specFieldShape('_v1_leases__post_input', 'start_date')).toMatchObject({ type: 'string', format: 'date' });
    expect(specFieldShape('_v1_leases__post_input', 'send_welcome_email').type).toBe('boolean');
  });
});
