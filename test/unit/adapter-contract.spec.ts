import type { CanonicalModelName } from '../../src/catalogue/canonical-models';
import type { VendorAdapter } from '../../src/fetch/adapter/vendor-adapter';
import { VendorAccessDeniedError, VendorAuthError } from '../../src/fetch/adapter/vendor-http';
import { appfolioAdapter } from '../../src/fetch/appfolio/appfolio.adapter';
import { buildiumAdapter } from '../../src/fetch/buildium/buildium.adapter';
import { entrataAdapter } from '../../src/fetch/entrata/entrata.adapter';
import { propertywareRestAdapter } from '../../src/fetch/propertyware-rest/propertyware-rest.adapter';
import { yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import { type CanonicalRecord, type MappingContext, toCanonicalRecord } from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { recordId } from '../../src/platform/common/ids';
import {
  APPFOLIO_SANDBOX_CREDENTIALS,
  APPFOLIO_SANDBOX_LIMITED_CREDENTIALS,
  startAppfolioSandboxServer,
} from '../../src/sandbox/appfolio/appfolio-sandbox';
import {
  BUILDIUM_SANDBOX_CREDENTIALS,
  BUILDIUM_SANDBOX_LIMITED_CREDENTIALS,
  startBuildiumSandboxServer,
} from '../../src/sandbox/buildium/buildium-sandbox';
import {
  ENTRATA_SANDBOX_CREDENTIALS,
  ENTRATA_SANDBOX_LIMITED_CREDENTIALS,
  startEntrataSandboxServer,
} from '../../src/sandbox/entrata/entrata-sandbox';
import type { FaultInjector } from '../../src/sandbox/kit/fault-injector';
import {
  PROPERTYWARE_REST_SANDBOX_CREDENTIALS,
  PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS,
  startPropertywareRestSandboxServer,
} from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import {
  startYardiSandboxServer,
  YARDI_SANDBOX_CREDENTIALS,
  YARDI_SANDBOX_LIMITED_CREDENTIALS,
} from '../../src/sandbox/yardi/yardi-sandbox';
import { recordingClients } from '../support/recording-client';

type Raw = Record<string, any>;

/** What the shared contract needs of one vendor: its adapter, its sandbox, and how the vendor words what differs. */
interface VendorCase {
  vendor: string;
  adapter: VendorAdapter<any>;
  start(): Promise<{ url: string; sandbox: { faults: FaultInjector; reset(): void }; close(): Promise<void> }>;
  credentials: object;
  /** The sandbox's limited credentials: they may not read `denied.model`, and may read `readable`. */
  limited: object;
  /** How the vendor refuses the denied model: its status and (a matcher of) the error's message. */
  denied: { model: CanonicalModelName; status: number; message: unknown };
  readable: CanonicalModelName[];
  /** The full credentials with one part wrong. */
  wrong: object;
  /** A raw record of `model` as listed, with one field of its content changed. */
  changed: { model: CanonicalModelName; change: (raw: Raw) => Raw };
}

const VENDORS: VendorCase[] = [
  {
    vendor: 'Buildium',
    adapter: buildiumAdapter,
    start: () => startBuildiumSandboxServer({ residents: 40, seed: 3 }),
    credentials: BUILDIUM_SANDBOX_CREDENTIALS,
    limited: BUILDIUM_SANDBOX_LIMITED_CREDENTIALS,
    denied: {
      model: 'residents',
      status: 403,
      message: expect.stringMatching(
        /HTTP 403.*don't have permissions to access the resource.*"ErrorCode":"Forbidden"/,
      ),
    },
    readable: ['properties', 'leases'],
    wrong: { ...BUILDIUM_SANDBOX_CREDENTIALS, secret: 'wrong' },
    changed: { model: 'residents', change: (tenant) => ({ ...tenant, FirstName: 'Anna' }) },
  },
  {
    vendor: 'Propertyware REST',
    adapter: propertywareRestAdapter,
    start: () => startPropertywareRestSandboxServer({ residents: 40, seed: 3, requestsPerSecond: 0 }),
    credentials: PROPERTYWARE_REST_SANDBOX_CREDENTIALS,
    limited: PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS,
    denied: {
      model: 'residents',
      status: 403,
      message: expect.stringMatching(
        /HTTP 403.*"errorCode":"FORBIDDEN".*don't have permissions to access the resources/,
      ),
    },
    readable: ['properties', 'leases'],
    wrong: { ...PROPERTYWARE_REST_SANDBOX_CREDENTIALS, systemId: '9999' },
    changed: { model: 'residents', change: (contact) => ({ ...contact, firstName: 'Anna' }) },
  },
  {
    vendor: 'AppFolio',
    adapter: appfolioAdapter,
    // Small pages, so reports run over several cursor pages.
    start: () => startAppfolioSandboxServer({ residents: 40, seed: 3, pageSize: 5, requestBudget: null }),
    credentials: APPFOLIO_SANDBOX_CREDENTIALS,
    limited: APPFOLIO_SANDBOX_LIMITED_CREDENTIALS,
    denied: {
      model: 'residents',
      status: 403,
      message: expect.stringMatching(
        /HTTP 403.*"error":"Forbidden: these API credentials may not access \/api\/v2\/reports\/tenant_directory.json"/,
      ),
    },
    readable: ['properties', 'leases'],
    wrong: { ...APPFOLIO_SANDBOX_CREDENTIALS, clientSecret: 'wrong' },
    changed: { model: 'residents', change: (tenant) => ({ ...tenant, Emails: ['b@example.com'] }) },
  },
  {
    vendor: 'Entrata',
    adapter: entrataAdapter,
    start: () => startEntrataSandboxServer({ residents: 40, seed: 3 }),
    credentials: ENTRATA_SANDBOX_CREDENTIALS,
    limited: ENTRATA_SANDBOX_LIMITED_CREDENTIALS,
    denied: {
      model: 'residents',
      status: 304,
      message: 'Entrata getCustomers error 304: Access to getCustomers is not permitted for this API key.',
    },
    readable: ['properties', 'leases'],
    wrong: { ...ENTRATA_SANDBOX_CREDENTIALS, apiKey: 'wrong' },
    changed: { model: 'residents', change: (customer) => ({ ...customer, FirstName: 'Anna' }) },
  },
  {
    vendor: 'Yardi',
    adapter: yardiAdapter,
    start: () => startYardiSandboxServer({ residents: 40, seed: 3, unitsPerProperty: 5 }),
    credentials: YARDI_SANDBOX_CREDENTIALS,
    limited: YARDI_SANDBOX_LIMITED_CREDENTIALS,
    denied: {
      model: 'residents',
      status: 200,
      message: expect.stringContaining(
        'GetResidentTransactions_Login: Yardi refused the interface: Invalid Interface Entity or License',
      ),
    },
    readable: ['properties', 'units'],
    wrong: { ...YARDI_SANDBOX_CREDENTIALS, password: 'wrong' },
    changed: {
      model: 'leases',
      change: (rtCustomer) => ({ ...rtCustomer, Lease: { ...rtCustomer.Lease, CurrentRent: '1451.00' } }),
    },
  },
];

const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};

/**
 * The contract every vendor adapter keeps, run against its sandbox: the same assertions for each vendor, which
 * only words its errors and shapes its records its own way (vendor-only behaviour stays in <vendor>-*.spec.ts).
 */
describe.each(VENDORS)('$vendor adapter contract against its sandbox', (vendor) => {
  const { adapter } = vendor;
  let server: Awaited<ReturnType<VendorCase['start']>>;
  const clients = recordingClients(adapter, () => server.url);
  const client = clients.client;

  beforeAll(async () => {
    server = await vendor.start(); // the default credentials: full and limited
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  /** Every raw record of a model, page by page. */
  async function pages(model: CanonicalModelName): Promise<Raw[][]> {
    const listed: Raw[][] = [];
    for await (const page of client(vendor.credentials).listPages(model)) listed.push(page.records as Raw[]);
    return listed;
  }

  /** The canonical records of a model's raw records (those the vendor lists that are not of the model left out). */
  const canonical = (model: CanonicalModelName, raws: Raw[]): CanonicalRecord[] =>
    raws.flatMap((raw) => {
      const mapped = adapter.map(model, raw, ctx);
      return mapped ? [toCanonicalRecord(model, mapped, ctx)] : [];
    });

  /**
   * A sync's view of the raw records: the canonical ones, and the ones it quarantines (a MalformedRecordError, by
   * the vendor id the adapter names; the sandboxes hold a few on purpose, such as a former tenant on no lease).
   */
  function sorted(model: CanonicalModelName, raws: Raw[]) {
    const records: CanonicalRecord[] = [];
    const quarantined: Array<{ vendorId: string | null; error: unknown }> = [];
    for (const raw of raws) {
      try {
        records.push(...canonical(model, [raw]));
      } catch (error) {
        quarantined.push({ vendorId: adapter.vendorId(model, raw), error });
      }
    }
    return { records, quarantined };
  }

  it('lists every model in pages; each record maps to a complete canonical record under the id vendorId names, or is quarantined by that id', async () => {
    // The first four models are every vendor's; issue 21's come vendor by vendor.
    expect(adapter.models).toEqual(expect.arrayContaining(['leases', 'properties', 'residents', 'units']));
    for (const model of adapter.models) {
      const raws = (await pages(model)).flat();
      const { records, quarantined } = sorted(model, raws);
      expect(records.length).toBeGreaterThan(quarantined.length);
      for (const { vendorId, error } of quarantined) {
        expect(error).toBeInstanceOf(MalformedRecordError);
        expect(vendorId).toEqual(expect.any(String));
      }
      const vendorIds = new Set(raws.map((raw) => adapter.vendorId(model, raw)));
      for (const record of records) {
        expect(record.x_id).toEqual(expect.any(String));
        expect(vendorIds.has(record.x_id)).toBe(true);
        expect(record.id).toBe(recordId('int_1', model, record.x_id));
      }
      expect(new Set(records.map((r) => r.x_id)).size).toBe(records.length);
      expect(adapter.vendorId(model, null)).toBeNull();
    }
  });

  it('names each resident <-> lease link by the same ids on both sides', async () => {
    const residents = sorted('residents', (await pages('residents')).flat()).records;
    const leases = sorted('leases', (await pages('leases')).flat()).records;
    /** `<lease x_id>:<resident x_id>` of every link a side names (links carry our ids: back to vendor ids). */
    const ourLeaseIds = new Map(leases.map((l) => [l.id, l.x_id]));
    const ourResidentIds = new Map(residents.map((r) => [r.id, r.x_id]));
    const named = (records: CanonicalRecord[]) =>
      records.flatMap((record) => [...(record.links ?? []).map((link) => link.id), ...(record.linkedTo ?? [])]);
    const fromLeases = named(leases);
    const fromResidents = named(residents);
    expect(fromLeases.length + fromResidents.length).toBeGreaterThan(0);
    for (const linkId of [...fromLeases, ...fromResidents]) {
      const [lease, resident] = linkId.split(':');
      expect({ linkId, lease: ourLeaseIds.get(lease), resident: ourResidentIds.get(resident) }).toEqual({
        linkId,
        lease: expect.any(String),
        resident: expect.any(String),
      });
    }
  });

  it('rejects a record whose id is corrupt as malformed (quarantined without an id), and maps the rest of its page', async () => {
    server.sandbox.faults.add({ malformed: true, times: 1 }); // the first answer's first record: its id is an object
    const [first, ...rest] = await pages('properties');
    const [corrupt, ...good] = first;
    expect(() => canonical('properties', [corrupt])).toThrow(MalformedRecordError);
    expect(adapter.vendorId('properties', corrupt)).toBeNull();
    expect(canonical('properties', [...good, ...rest.flat()])).toHaveLength(good.length + rest.flat().length);
  });

  it('hashes equal content equally and changed content differently', async () => {
    const { model, change } = vendor.changed;
    const [raw] = (await pages(model)).flat();
    const hash = (record: Raw) => canonical(model, [record])[0].hash;
    expect(hash(structuredClone(raw))).toBe(hash(raw));
    expect(hash(change(raw))).not.toBe(hash(raw));
  });

  it(`with the limited credentials: ${vendor.denied.model} are refused as access denied in the vendor's words, other models are read`, async () => {
    const limited = client(vendor.limited);
    const denied = limited.probe(vendor.denied.model);
    await expect(denied).rejects.toBeInstanceOf(VendorAccessDeniedError);
    await expect(denied).rejects.toMatchObject({
      status: vendor.denied.status,
      retryable: false,
      message: vendor.denied.message,
    });
    for (const model of vendor.readable) await expect(limited.probe(model)).resolves.toBeUndefined();
  });

  it('refuses wrong credentials as an auth error', async () => {
    await expect(client(vendor.wrong).probe('properties')).rejects.toBeInstanceOf(VendorAuthError);
  });
});
