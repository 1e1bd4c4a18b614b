import { checkShape, DriftTally } from '../../src/normalise/schema-drift';
import { requestIntervalMs } from '../../src/sync/vendor-request-gate';
import { VendorRegistry } from '../../src/fetch/registry/vendor-registry';

describe('requestIntervalMs', () => {
  it('spreads max_request_frequency requests over one max_request_cadence', () => {
    expect(requestIntervalMs({ max_request_frequency: 1, max_request_cadence: 'SECOND' })).toBe(1000);
    expect(requestIntervalMs({ max_request_frequency: 4, max_request_cadence: 'SECOND' })).toBe(250);
    expect(requestIntervalMs({ max_request_frequency: 28, max_request_cadence: 'MINUTE' })).toBe(2143);
  });

  it('keeps a budget of more than 1,000 requests a second (an interval under a millisecond, rounded up to the µs)', () => {
    expect(requestIntervalMs({ max_request_frequency: 100_000, max_request_cadence: 'SECOND' })).toBe(0.01);
    expect(requestIntervalMs({ max_request_frequency: 3_000, max_request_cadence: 'SECOND' })).toBe(0.334);
    expect(requestIntervalMs({ max_request_frequency: 1_000, max_request_cadence: 'SECOND' })).toBe(1);
  });

  it('never waits longer than a minute between requests (Propexo: not less often than once per minute)', () => {
    expect(requestIntervalMs({ max_request_frequency: 1, max_request_cadence: 'HOUR' })).toBe(60_000);
  });
});

describe('registry', () => {
  it('serves every vendor with exactly one adapter, and refuses to build otherwise', () => {
    const registry = new VendorRegistry();
    expect(registry.supportedVendors().sort()).toEqual([
      'APPFOLIO',
      'BUILDIUM',
      'ENTRATA',
      'PROPERTYWARE_REST',
      'YARDI',
    ]);
    const buildium = registry.get('BUILDIUM')!;
    expect(() => new VendorRegistry([buildium])).toThrow(
      'No adapter for vendors PROPERTYWARE_REST, YARDI, ENTRATA, APPFOLIO',
    );
    const all = registry.supportedVendors().map((v) => registry.get(v)!);
    expect(() => new VendorRegistry([...all, buildium])).toThrow(/Two adapters for vendor BUILDIUM/);
  });
});

describe('checkShape', () => {
  const expected = { required: ['Id', 'Name.First'], known: ['Id', 'Name.First', 'Name.Last', 'Email'] };

  it('accepts a record carrying every required field, null values included', () => {
    expect(checkShape({ Id: 1, Name: { First: null }, Email: 'a@b.c' }, expected)).toEqual({
      missing: [],
      unexpected: [],
    });
  });

  it('names the required fields a record lacks, nested ones by their dotted path', () => {
    expect(checkShape({ Name: {} }, expected).missing).toEqual(['Id', 'Name.First']);
    expect(checkShape({ Id: 1, Name: 'not an object' }, expected).missing).toEqual(['Name.First']);
  });

  it('reports top-level fields the contract does not name (a rename shows as missing plus unexpected)', () => {
    expect(checkShape({ Id: 1, GivenName: 'A', Name: { Last: 'B' } }, expected)).toEqual({
      missing: ['Name.First'],
      unexpected: ['GivenName'],
    });
  });

  it('checks nothing without expectations, and no unexpected fields without a known list', () => {
    expect(checkShape({}, undefined)).toEqual({ missing: [], unexpected: [] });
    expect(checkShape({ Id: 1, Name: { First: 'A' }, Extra: 1 }, { required: ['Id'] })).toEqual({
      missing: [],
      unexpected: [],
    });
  });
});

describe('DriftTally', () => {
  it('counts per kind and field and keeps the first record id as the example', () => {
    const tally = new DriftTally();
    tally.add('MISSING', 'FirstName', null);
    tally.add('MISSING', 'FirstName', '7');
    tally.add('MISSING', 'FirstName', '8');
    tally.add('UNEXPECTED', 'GivenName', '9');
    expect(tally.entries()).toEqual([
      { kind: 'MISSING', field: 'FirstName', occurrences: 3, sampleXId: '7' },
      { kind: 'UNEXPECTED', field: 'GivenName', occurrences: 1, sampleXId: '9' },
    ]);
  });
});
