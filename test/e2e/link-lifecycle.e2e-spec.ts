import request from 'supertest';
import { APPFOLIO_SANDBOX_CREDENTIALS, startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { BUILDIUM_SANDBOX_CREDENTIALS, startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { ENTRATA_SANDBOX_CREDENTIALS, startEntrataSandboxServer } from '../../src/sandbox/entrata/entrata-sandbox';
import {
  PROPERTYWARE_REST_SANDBOX_CREDENTIALS,
  startPropertywareRestSandboxServer,
} from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { startYardiSandboxServer, YARDI_SANDBOX_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import {
  FOREIGN_ENTRATA_CREDENTIALS,
  startForeignEntrataServer,
  type ForeignEntrataServer,
} from '../support/foreign-entrata-server';
import {
  authHeader,
  firstSync,
  manualSync,
  readAll,
  readQuarantine,
  sandboxControl,
  startSyncHarness,
  type SyncHarness,
} from '../support/sync-helpers';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

type Rec = Record<string, any>;
/** A link in the vendor's ids: [lease x_id, resident x_id]. */
type Pair = [string, string];
const key = ([lease, resident]: Pair) => `${lease} ${resident}`;

/** What a link change did to the vendor's links: the links it added and those it took away. */
interface LinkEffect {
  added: Pair[];
  removed: Pair[];
}

/**
 * One vendor as these tests drive it: a server following its contract, the links it shows, and the
 * changes of issue 23 made the way that vendor shows them (the sandboxes' POST /_control/links).
 */
interface VendorCase {
  vendor: string;
  credentials: object;
  start(): Promise<{ url: string; close(): Promise<void> }>;
  /** Every link the vendor shows now. */
  links(): Pair[];
  /** Only the last person of a Yardi household can move without renumbering the others. */
  movable?(pair: Pair, links: Pair[]): boolean;
  /** The leases and residents to change, where the portfolio is too small to pick from (see `pick`). */
  choose?(count: number): Picked[];
  /** Puts a resident on a lease it is not on: an existing one where residents may have several leases, else a new one. */
  add(lease: string, existing: string): Promise<LinkEffect>;
  move(resident: string, from: string, to: string): Promise<LinkEffect>;
  remove(resident: string, from: string): Promise<LinkEffect>;
  /** The resident disappears from the vendor. */
  vanish(resident: string): Promise<LinkEffect>;
  /** Whether the resident side sends the links' details (it can then create links on its own). */
  residentSideDetailed: boolean;
  /**
   * Where a resident's property comes from its leases: the quarantine reason of a resident taken off its only
   * lease (it has no property then, which a resident needs). Elsewhere such a resident is written or vanishes.
   */
  unplacedReason?: RegExp;
}

/** A resident on `lease` (and on no other) to change, and another lease for it. */
interface Picked {
  lease: string;
  resident: string;
  other: string;
}

const linksOf = (pairs: Pair[], resident: string) => pairs.filter(([, r]) => r === resident);
const effect = (added: Pair[], removed: Pair[]): LinkEffect => ({ added, removed });

function sandboxCase<S extends { url: string; sandbox: { data: Rec }; close(): Promise<void> }>(
  vendor: string,
  credentials: object,
  start: () => Promise<S>,
  spec: {
    links(data: Rec): Pair[];
    add(control: ReturnType<typeof sandboxControl>, data: Rec, lease: string, existing: string): Promise<Pair[]>;
    vanish(control: ReturnType<typeof sandboxControl>, resident: string, data: Rec): Promise<void>;
    movedAs?(answer: Rec, resident: string): string;
    movable?: (pair: Pair, links: Pair[]) => boolean;
    residentSideDetailed: boolean;
    unplacedReason?: RegExp;
  },
): VendorCase {
  let server: S;
  const control = () => sandboxControl(server.url);
  const links = () => spec.links(server.sandbox.data);
  return {
    vendor,
    credentials,
    residentSideDetailed: spec.residentSideDetailed,
    movable: spec.movable,
    unplacedReason: spec.unplacedReason,
    start: async () => (server = await start()),
    links,
    add: async (lease, existing) => effect(await spec.add(control(), server.sandbox.data, lease, existing), []),
    move: async (resident, from, to) => {
      const answer = await control()('POST', 'links', { resident, from, to });
      return effect([[to, spec.movedAs?.(answer, resident) ?? resident]], [[from, resident]]);
    },
    remove: async (resident, from) => {
      await control()('POST', 'links', { resident, from });
      return effect([], [[from, resident]]);
    },
    vanish: async (resident) => {
      const before = linksOf(links(), resident);
      await spec.vanish(control(), resident, server.sandbox.data);
      return effect([], before);
    },
  };
}

const asList = (value: unknown): Rec[] =>
  value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
/** A Yardi person's id: its household, then `:n` for the n-th person (n > 1). */
const person = (household: string, position: number) => (position === 1 ? household : `${household}:${position}`);
/** A Yardi applicant (its Customer `Type`), who is no resident. */
const isApplicant = (customer: Rec) => String(customer?.['@Type']).toLowerCase() === 'applicant';
/** An Entrata lease that is one: an Applicant interval is an application. */
const isLease = (lease: Rec) => lease.leaseIntervalStatus !== 'Applicant';

/** Where a resident may be on several leases, an existing one is put on another lease. */
const addExisting = async (
  control: ReturnType<typeof sandboxControl>,
  _data: Rec,
  lease: string,
  existing: string,
): Promise<Pair[]> => {
  await control('POST', 'links', { resident: existing, to: lease });
  return [[lease, existing]];
};

const CASES: VendorCase[] = [
  sandboxCase('BUILDIUM', BUILDIUM_SANDBOX_CREDENTIALS, () => startBuildiumSandboxServer({ residents: 80, seed: 23 }), {
    links: (data) => {
      const tenants = new Set(data.tenants.map((t: Rec) => t.Id));
      return data.leases.flatMap((l: Rec) =>
        l.Tenants.filter((t: Rec) => tenants.has(t.Id)).map((t: Rec): Pair => [String(l.Id), String(t.Id)]),
      );
    },
    add: addExisting,
    vanish: (control, resident) => control('DELETE', `tenants/${resident}`),
    residentSideDetailed: true,
    unplacedReason: /the tenant is on no lease/,
  }),
  sandboxCase(
    'PROPERTYWARE_REST',
    PROPERTYWARE_REST_SANDBOX_CREDENTIALS,
    () => startPropertywareRestSandboxServer({ residents: 80, seed: 23 }),
    {
      links: (data) => {
        const contacts = new Set(data.contacts.map((c: Rec) => c.id));
        return data.leases.flatMap((l: Rec) =>
          l.contacts.filter((c: Rec) => contacts.has(c.id)).map((c: Rec): Pair => [String(l.id), String(c.id)]),
        );
      },
      add: addExisting,
      vanish: (control, resident) => control('DELETE', `contacts/${resident}`),
      residentSideDetailed: true,
      unplacedReason: /the tenant is on no lease/,
    },
  ),
  sandboxCase(
    'APPFOLIO',
    APPFOLIO_SANDBOX_CREDENTIALS,
    () => startAppfolioSandboxServer({ residents: 80, seed: 23, requestBudget: { requests: 1000, perSeconds: 1 } }),
    {
      links: (data) => {
        const occupancies = new Set(data.occupancies.map((o: Rec) => o.occupancy_id));
        return data.tenants
          .filter((t: Rec) => occupancies.has(t.occupancy_id))
          .map((t: Rec): Pair => [String(t.occupancy_id), String(t.tenant_id)]);
      },
      // A tenant is on one occupancy: the lease gets a new tenant.
      add: async (control, _data, lease) => {
        const tenant = await control('POST', 'tenants', {
          occupancy_id: Number(lease),
          first_name: 'Added',
          last_name: 'Tenant',
          status: 'Current',
          tenant_type: 'Occupant',
        });
        return [[lease, String(tenant.tenant_id)]];
      },
      vanish: (control, resident) => control('DELETE', `tenants/${resident}`),
      residentSideDetailed: true,
      unplacedReason: /the tenant has no occupancy_id/,
    },
  ),
  sandboxCase('ENTRATA', ENTRATA_SANDBOX_CREDENTIALS, () => startEntrataSandboxServer({ residents: 80, seed: 23 }), {
    // An Applicant interval is an application, no lease: its customers are on no lease by it.
    links: (data) => {
      const listed = new Set(
        data.customers.filter((c: Rec) => c.LeaseId !== undefined).map((c: Rec) => Number(c['@attributes'].Id)),
      );
      return data.leases.filter(isLease).flatMap((l: Rec) =>
        asList(l.customers?.customer)
          .filter((c) => listed.has(c.id))
          .map((c): Pair => [String(l.id), String(c.id)]),
      );
    },
    // A customer has one LeaseId: the lease gets a new customer (as in the issue).
    add: async (control, _data, lease) => {
      const customer = await control('POST', 'customers', {
        FirstName: 'Added',
        LastName: 'Customer',
        LeaseId: Number(lease),
      });
      return [[lease, String(customer['@attributes'].Id)]];
    },
    vanish: (control, resident) => control('DELETE', `customers/${resident}`),
    residentSideDetailed: false,
  }),
  sandboxCase(
    'YARDI',
    YARDI_SANDBOX_CREDENTIALS,
    () => startYardiSandboxServer({ residents: 80, seed: 23, unitsPerProperty: 20 }),
    {
      // Applicants are no residents (a household of them no lease); positions count every person.
      links: (data) =>
        data.customers.flatMap((rt: Rec) =>
          asList(rt.Customers?.Customer).flatMap((p, i): Pair[] =>
            isApplicant(p) ? [] : [[rt.CustomerID, person(rt.CustomerID, i + 1)]],
          ),
        ),
      movable: ([lease, resident], links) =>
        links.filter(([l]) => l === lease).length === (resident === lease ? 1 : Number(resident.split(':')[1])),
      // A person is in one household: the household gets a new person.
      add: async (control, data, lease) => {
        const household = data.customers.find((rt: Rec) => rt.CustomerID === lease);
        const people = asList(household.Customers?.Customer);
        await control('PATCH', `customers/${lease}`, {
          Customers: {
            Customer: [
              ...people,
              { '@Type': people[0]?.['@Type'] ?? 'current resident', Name: { FirstName: 'Added', LastName: 'Person' } },
            ],
          },
        });
        return [[lease, person(lease, people.length + 1)]];
      },
      movedAs: (answer) => person(answer.household, answer.position),
      // Taking a person out of its household is all Voyager shows of a person leaving.
      vanish: async (control, resident) => {
        await control('POST', 'links', { resident, from: resident.split(':')[0] });
      },
      residentSideDetailed: false,
    },
  ),
];

/** The foreign Entrata server (test/support, written from the contract alone), where issue 23 was seen. */
function foreignEntrataCase(): VendorCase {
  let server: ForeignEntrataServer;
  let nextId = 650;
  /** Its links between leases and listed customers; an application (an Applicant interval: 5004, 5005) is no lease. */
  const links = (): Pair[] => {
    const listed = new Set(
      Object.values(server.customers)
        .flat()
        .map((c) => String(c.Id)),
    );
    const applications = new Set(
      Object.values(server.leases)
        .flat()
        .filter((l) => !isLease(l))
        .map((l) => String(l['@attributes'].id)),
    );
    return server.links().filter(([lease, resident]) => listed.has(resident) && !applications.has(lease));
  };
  return {
    vendor: 'ENTRATA',
    credentials: FOREIGN_ENTRATA_CREDENTIALS,
    residentSideDetailed: false,
    start: async () => (server = await startForeignEntrataServer()),
    // Four leases: 5001 (601), 5002 (602, 603), 5003 (604, 605), 5004 (606).
    choose: (count) =>
      count === 4
        ? [
            { lease: '5002', resident: '602', other: '5001' },
            { lease: '5002', resident: '603', other: '5001' },
            { lease: '5003', resident: '605', other: '5001' },
            { lease: '5003', resident: '604', other: '5001' },
          ]
        : [{ lease: '5001', resident: '601', other: '5002' }],
    links,
    add: async (lease) => {
      const id = nextId++;
      server.addCustomer(
        lease,
        { Id: id, FirstName: 'Added', LastName: 'Customer', Address: '1 New St' },
        'Responsible',
      );
      return effect([[lease, String(id)]], []);
    },
    move: async (resident, from, to) => {
      server.moveCustomer(Number(resident), to);
      return effect([[to, resident]], [[from, resident]]);
    },
    remove: async (resident, from) => {
      server.moveCustomer(Number(resident), null);
      return effect([], [[from, resident]]);
    },
    vanish: async (resident) => {
      const before = links().filter(([, r]) => r === resident);
      server.deleteCustomer(Number(resident));
      return effect([], before);
    },
  };
}

/**
 * Issue 23, point 1: resident <-> lease links follow every change, whichever side of the link the vendor
 * sends it with, and every change of a link is an event of model residents_to_leases.
 */
describe('Resident <-> lease links follow changes', () => {
  let harness: SyncHarness;
  /** A second webhook, narrowed to model residents_to_leases. */
  let linkReceiver: WebhookReceiver;

  beforeAll(async () => {
    harness = await startSyncHarness({
      name: 'link-lifecycle',
      vendor: 'ANY',
      env: { SYNC_RETRY_BASE_MS: '200' },
      triggers: ['FIRST_SYNC_COMPLETE', 'SYNC_COMPLETE', 'JOB_FAILURE', 'DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED'],
    });
    linkReceiver = await startWebhookReceiver();
    const webhook = await request(harness.app.url)
      .post('/v1/webhooks/')
      .set(authHeader(harness.app))
      .send({
        url: linkReceiver.url,
        model: 'residents_to_leases',
        triggers: ['DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED'],
        active: true,
      });
    expect(webhook.status).toBe(200);
  });

  afterAll(async () => {
    await harness?.stop();
    await linkReceiver?.close();
  });

  const get = async (path: string, query: Rec = {}) => {
    const res = await request(harness.app.url).get(path).query(query).set(authHeader(harness.app));
    expect(res.status).toBe(200);
    return res.body.results;
  };

  /** The links as the read API shows them from both sides, in vendor ids; each side's details must agree. */
  async function cachedLinks(integrationId: string) {
    // Every page validated against Propexo's schemas: a resident taken off its only lease is quarantined where it
    // would have no property, never written without one.
    const leases = await readAll(harness.app, 'leases', integrationId);
    const residents = await readAll(harness.app, 'residents', integrationId);
    const leaseX = new Map(leases.map((l) => [l.id, l.x_id as string]));
    const residentX = new Map(residents.map((r) => [r.id, r.x_id as string]));
    const details = ({ lease_id: _l, resident_id: _r, lease_status_normalized: _s, ...rest }: Rec) => rest;
    const fromLeases = new Map<string, Rec>(
      leases.flatMap((l) =>
        l.residents_meta_data.map((m: Rec) => [
          key([l.x_id, residentX.get(m.resident_id) ?? `?${m.resident_id}`]),
          details(m),
        ]),
      ),
    );
    const fromResidents = new Map<string, Rec>(
      residents.flatMap((r) =>
        r.leases_meta_data.map((m: Rec) => [key([leaseX.get(m.lease_id) ?? `?${m.lease_id}`, r.x_id]), details(m)]),
      ),
    );
    // A resident's links also carry their lease's status (extension), read with them.
    const leaseStatus = new Map(leases.map((l) => [l.id, l.status_normalized]));
    for (const r of residents)
      for (const m of r.leases_meta_data)
        expect([m.lease_id, m.lease_status_normalized]).toEqual([m.lease_id, leaseStatus.get(m.lease_id)]);
    expect([...fromResidents.keys()].sort()).toEqual([...fromLeases.keys()].sort());
    for (const [k, d] of fromLeases) expect([k, fromResidents.get(k)]).toEqual([k, d]);
    for (const d of fromLeases.values()) expect(d.deleted_at).toBeNull();
    return {
      pairs: [...fromLeases.keys()].sort(),
      leases,
      residents,
      leaseX: new Map([...leaseX].map(([id, x]) => [x, id])),
      residentX: new Map([...residentX].map(([id, x]) => [x, id])),
    };
  }

  /** Both sides show exactly the vendor's links (between records the cache holds). */
  async function expectExact(integrationId: string, vendorLinks: Pair[]) {
    const cached = await cachedLinks(integrationId);
    const expected = vendorLinks
      .filter(([l, r]) => cached.leaseX.has(l) && cached.residentX.has(r))
      .map(key)
      .sort();
    expect(cached.pairs).toEqual(expected);
    return cached;
  }

  /** The link events a sync sent (to the webhook of every model), as `TRIGGER lease resident`. */
  function linkEvents(events: Rec[], syncId: string): string[] {
    const links = events.filter((e) => e.data.object === 'residents-to-leases' && e.data.root_job_id === syncId);
    for (const e of links) {
      // The link as Connect's residents_to_leases stream has it (jsonb keeps no key order).
      expect(Object.keys(e.data.payload).sort()).toEqual(
        [
          'id',
          'created_at',
          'updated_at',
          'last_seen',
          'resident_id',
          'lease_id',
          'x_resident_id',
          'x_lease_id',
          'x_resident_type',
          'resident_type_normalized',
          'move_in_date',
          'move_out_date',
          'notice_date',
          'custom_data',
          'integration_id',
        ].sort(),
      );
      expect(e.data.record_id).toBe(e.data.payload.id);
      expect(e.data.payload.id).toBe(`${e.data.payload.lease_id}:${e.data.payload.resident_id}`);
      expect(e.meta.object).toBe('residents-to-leases');
    }
    return links.map((e) => `${e.trigger} ${key([e.data.payload.x_lease_id, e.data.payload.x_resident_id])}`).sort();
  }

  const expectedEvents = (...effects: LinkEffect[]) =>
    effects
      .flatMap((e) => [...e.added.map((p) => `DATA_NEW ${key(p)}`), ...e.removed.map((p) => `DATA_DELETED ${key(p)}`)])
      .sort();

  /**
   * Leases with two or more residents, each with a resident on that lease only (one that may move), and
   * another lease for it: all of them different.
   */
  function pick(vendor: VendorCase, count: number): Picked[] {
    if (vendor.choose) return vendor.choose(count);
    const links = vendor.links();
    const byLease = new Map<string, string[]>();
    for (const [lease, resident] of links) byLease.set(lease, [...(byLease.get(lease) ?? []), resident]);
    const leases = [...byLease].filter(([, residents]) => residents.length >= 2).map(([lease]) => lease);
    const used = new Set<string>();
    const picked: Picked[] = [];
    for (const lease of leases) {
      if (picked.length === count) break;
      if (used.has(lease)) continue;
      const resident = byLease
        .get(lease)!
        .find((r) => linksOf(links, r).length === 1 && (vendor.movable?.([lease, r], links) ?? true));
      const other = leases.find((l) => l !== lease && !used.has(l));
      if (resident === undefined || other === undefined) continue;
      used.add(lease).add(other);
      picked.push({ lease, resident, other });
    }
    expect(picked).toHaveLength(count);
    return picked;
  }

  /**
   * A resident the vendor no longer lists while a lease still names it: its links hide with it (the
   * deletion pass), and show again when it comes back. Buildium's tenant brings the links' details (they are
   * written again); Entrata's customer names only its lease (the hidden links are shown again as they were).
   */
  describe.each([
    [
      'BUILDIUM',
      BUILDIUM_SANDBOX_CREDENTIALS,
      () => startBuildiumSandboxServer({ residents: 40, seed: 29 }),
      {
        // The tenant with the highest id, so that a tenant created again gets its id back.
        pick: (data: Rec) => String(Math.max(...data.tenants.map((t: Rec) => t.Id))),
        leasesOf: (data: Rec, resident: string): string[] =>
          data.leases
            .filter((l: Rec) => l.Tenants.some((t: Rec) => String(t.Id) === resident))
            .map((l: Rec) => String(l.Id)),
        /** Buildium drops a deleted tenant from its leases: they are put back as they were. */
        vanish: async (control: ReturnType<typeof sandboxControl>, data: Rec, resident: string, leases: string[]) => {
          const kept = leases
            .map((id) => data.leases.find((l: Rec) => String(l.Id) === id))
            .map((l: Rec) => ({ id: l.Id, Tenants: l.Tenants, MoveOutData: l.MoveOutData }));
          await control('DELETE', `tenants/${resident}`);
          for (const { id, ...fields } of kept) await control('PATCH', `leases/${id}`, fields);
        },
        /** Buildium creates a tenant on a lease: on one of its own (which still names it), put back as it was. */
        revive: async (control: ReturnType<typeof sandboxControl>, data: Rec, resident: string, [lease]: string[]) => {
          const { Tenants, MoveOutData } = structuredClone(data.leases.find((l: Rec) => String(l.Id) === lease));
          expect(
            (await control('POST', 'tenants', { FirstName: 'Back', LastName: 'Again', LeaseId: Number(lease) })).Id,
          ).toBe(Number(resident));
          await control('PATCH', `leases/${lease}`, { Tenants, MoveOutData });
        },
        /** One tenant's MoveInDate (a lease's Tenants entry): its link changes. */
        moveIn: async (control: ReturnType<typeof sandboxControl>, data: Rec): Promise<Pair[]> => {
          const lease = data.leases.find((l: Rec) => l.Tenants.length >= 2);
          const [first, ...rest] = lease.Tenants;
          await control('PATCH', `leases/${lease.Id}`, { Tenants: [{ ...first, MoveInDate: '2026-02-02' }, ...rest] });
          return [[String(lease.Id), String(first.Id)]];
        },
      },
    ],
    [
      'ENTRATA',
      ENTRATA_SANDBOX_CREDENTIALS,
      () => startEntrataSandboxServer({ residents: 40, seed: 29 }),
      {
        // A customer on a lease (an application's customers are applicants, no residents).
        pick: (data: Rec) => {
          const leases = new Set(data.leases.filter(isLease).map((l: Rec) => Number(l.id)));
          return String(data.customers.find((c: Rec) => leases.has(Number(c.LeaseId)))['@attributes'].Id);
        },
        leasesOf: (data: Rec, resident: string): string[] =>
          data.leases
            .filter((l: Rec) => asList(l.customers?.customer).some((c) => String(c.id) === resident))
            .map((l: Rec) => String(l.id)),
        /** A customer without a LeaseId is listed nowhere; its lease keeps it on its customers list. */
        vanish: async (control: ReturnType<typeof sandboxControl>, data: Rec, resident: string, [lease]: string[]) => {
          const customers = structuredClone(data.leases.find((l: Rec) => l.id === lease).customers);
          await control('PATCH', `customers/${resident}`, { LeaseId: null });
          await control('PATCH', `leases/${lease}`, { customers });
        },
        revive: async (control: ReturnType<typeof sandboxControl>, data: Rec, resident: string, [lease]: string[]) => {
          const customers = structuredClone(data.leases.find((l: Rec) => l.id === lease).customers);
          await control('PATCH', `customers/${resident}`, { LeaseId: Number(lease) });
          await control('PATCH', `leases/${lease}`, { customers });
        },
        /** A lease's moveInDate, which Entrata gives each of its customers' links. */
        moveIn: async (control: ReturnType<typeof sandboxControl>, data: Rec): Promise<Pair[]> => {
          const lease = data.leases.find(
            (l: Rec) => isLease(l) && asList(l.customers?.customer).length >= 2 && l.moveInDate !== '02/02/2026',
          );
          await control('PATCH', `leases/${lease.id}`, { moveInDate: '02/02/2026' });
          return asList(lease.customers.customer).map((c): Pair => [String(lease.id), String(c.id)]);
        },
      },
    ],
  ] as const)(
    '%s: a resident that vanishes while its lease still names it',
    (vendorName, credentials, start, steps) => {
      let server: Awaited<ReturnType<typeof start>>;
      let integrationId: string;

      beforeAll(async () => {
        server = await start();
        harness.vendor = vendorName;
        ({ id: integrationId } = await firstSync(harness, `Vanishing ${vendorName}`, server.url, credentials, {
          max_request_cadence: 'SECOND',
          max_job_concurrency: 2,
        }));
      });

      afterAll(async () => {
        await server?.close();
      });

      it('hides its links with it (visible with include_deleted=true) and shows them again when it comes back', async () => {
        const data = server.sandbox.data as Rec;
        const resident = steps.pick(data);
        const leases = steps.leasesOf(data, resident);
        expect(leases.length).toBeGreaterThan(0);
        const pairs = leases.map((lease): Pair => [lease, resident]);
        const before = await cachedLinks(integrationId);
        const residentId = before.residentX.get(resident)!;
        const leaseIds = leases.map((lease) => before.leaseX.get(lease)!);

        await steps.vanish(sandboxControl(server.url), data, resident, leases);
        const gone = await manualSync(harness, integrationId);
        expect(linkEvents(gone.events, gone.syncId)).toEqual(expectedEvents(effect([], pairs)));
        expect(
          gone.events
            .filter((e) => e.data.object === 'residents' && e.data.record_id === residentId)
            .map((e) => e.trigger),
        ).toEqual(['DATA_DELETED']);
        // The leases did not change: their links were hidden by the residents' deletion pass.
        expect(gone.events.filter((e) => e.data.object === 'leases')).toEqual([]);
        for (const leaseId of leaseIds) {
          expect((await get(`/v1/leases/${leaseId}`)).residents_meta_data.map((m: Rec) => m.resident_id)).not.toContain(
            residentId,
          );
          const hidden = (await get(`/v1/leases/${leaseId}`, { include_deleted: 'true' })).residents_meta_data.find(
            (m: Rec) => m.resident_id === residentId,
          );
          expect(hidden?.deleted_at).toEqual((await get(`/v1/residents/${residentId}`)).deleted_at);
        }

        await steps.revive(sandboxControl(server.url), data, resident, leases);
        const back = await manualSync(harness, integrationId);
        expect(linkEvents(back.events, back.syncId)).toEqual(expectedEvents(effect(pairs, [])));
        expect((await get(`/v1/residents/${residentId}`)).deleted_at).toBeNull();
        const cached = await cachedLinks(integrationId);
        for (const lease of leases) expect(cached.pairs).toContain(key([lease, resident]));
      });

      it("a change of a link's details (a move-in date) is one DATA_UPDATE of that link, with only what changed", async () => {
        const changed = await steps.moveIn(sandboxControl(server.url), server.sandbox.data);
        const { events, syncId } = await manualSync(harness, integrationId);
        expect(linkEvents(events, syncId)).toEqual(changed.map((p) => `DATA_UPDATE ${key(p)}`).sort());
        const cached = await cachedLinks(integrationId);
        for (const e of events.filter((x) => x.data.object === 'residents-to-leases')) {
          expect(Object.keys(e.data.diff.new)).toEqual(['move_in_date']);
          expect(Object.keys(e.data.diff.previous)).toEqual(['move_in_date']);
          expect(e.data.diff.new.move_in_date).not.toEqual(e.data.diff.previous.move_in_date);
          const lease = cached.leases.find((l) => l.id === e.data.payload.lease_id)!;
          expect(
            lease.residents_meta_data.find((m: Rec) => m.resident_id === e.data.payload.resident_id).move_in_date,
          ).toBe(e.data.diff.new.move_in_date);
        }
      });
    },
  );

  describe.each([
    ...CASES.map((c): [string, VendorCase] => [`${c.vendor} sandbox`, c]),
    ['foreign ENTRATA server', foreignEntrataCase()],
  ])('%s', (_name, vendor) => {
    let integrationId: string;
    let server: { url: string; close(): Promise<void> };

    beforeAll(async () => {
      server = await vendor.start();
      harness.vendor = vendor.vendor;
      ({ id: integrationId } = await firstSync(harness, `Links ${_name}`, server.url, vendor.credentials, {
        max_request_cadence: 'SECOND',
        max_job_concurrency: 2,
      }));
      await expectExact(integrationId, vendor.links());
    });

    afterAll(async () => {
      await server?.close();
    });

    it("after a resident is added to a lease, one moved and one removed, and one vanishes, both sides show exactly the vendor's links; each change is one event", async () => {
      const [forAdd, forMove, forRemove, forVanish] = pick(vendor, 4);
      const before = await cachedLinks(integrationId);
      const vanishedId = before.residentX.get(forVanish.resident)!;
      const vanishedLease = before.leaseX.get(forVanish.lease)!;
      const removedId = before.residentX.get(forRemove.resident)!;
      const removedLease = before.leaseX.get(forRemove.lease)!;
      const removedBefore = await get(`/v1/residents/${removedId}`);

      const added = await vendor.add(forAdd.other, forAdd.resident);
      const moved = await vendor.move(forMove.resident, forMove.lease, forMove.other);
      const removed = await vendor.remove(forRemove.resident, forRemove.lease);
      const vanished = await vendor.vanish(forVanish.resident);
      const fromLinks = linkReceiver.received.length;
      const { syncId, events } = await manualSync(harness, integrationId);

      await expectExact(integrationId, vendor.links());
      const expected = expectedEvents(added, moved, removed, vanished);
      expect(linkEvents(events, syncId)).toEqual(expected);
      // The webhook narrowed to residents_to_leases got exactly those, and nothing else.
      const narrowed = linkReceiver.received
        .slice(fromLinks)
        .map((r) => r.json)
        .filter((e) => e.data.integration_id === integrationId);
      expect(narrowed.every((e) => e.data.object === 'residents-to-leases')).toBe(true);
      expect(linkEvents(narrowed, syncId)).toEqual(expected);

      // The vanished resident's link is hidden from both sides, and there, with its deleted_at, with include_deleted=true.
      const lease = await get(`/v1/leases/${vanishedLease}`);
      expect(lease.residents_meta_data.map((m: Rec) => m.resident_id)).not.toContain(vanishedId);
      const withDeleted = await get(`/v1/leases/${vanishedLease}`, { include_deleted: 'true' });
      expect(withDeleted.residents_meta_data.find((m: Rec) => m.resident_id === vanishedId)?.deleted_at).toEqual(
        expect.any(String),
      );
      const resident = await get(`/v1/residents/${vanishedId}`, { include_deleted: 'true' });
      expect(resident.leases_meta_data.find((m: Rec) => m.lease_id === vanishedLease)?.deleted_at).toEqual(
        expect.any(String),
      );
      expect((await get(`/v1/residents/${vanishedId}`)).leases_meta_data).toEqual([]);
      expect(
        (await get('/v1/residents/', { lease_id: vanishedLease, include_deleted: 'true' })).map((r: Rec) => r.id),
      ).toContain(vanishedId);

      if (vendor.unplacedReason) {
        // Off its only lease, the resident has no property here: it is quarantined with that reason and stays as last
        // written (no event of its own), while its lease ended the link, which it no longer shows either.
        const quarantine = (await readQuarantine(harness.app, integrationId)).results.filter(
          (q: Rec) => q.model === 'residents' && q.x_id === forRemove.resident,
        );
        expect(quarantine.length).toBeGreaterThan(0);
        for (const q of quarantine) expect(q.reason).toMatch(vendor.unplacedReason);
        expect(events.filter((e) => e.data.object === 'residents' && e.data.record_id === removedId)).toEqual([]);
        // The vendor still lists it: it counts as seen (last_seen), so no deletion pass takes it.
        const { leases_meta_data: linksBefore, last_seen: seenBefore, ...fieldsBefore } = removedBefore;
        const {
          leases_meta_data: linksNow,
          last_seen: seenNow,
          ...fieldsNow
        } = await get(`/v1/residents/${removedId}`);
        expect(fieldsNow).toEqual(fieldsBefore);
        expect(Date.parse(seenNow)).toBeGreaterThan(Date.parse(seenBefore));
        expect(linksBefore.map((m: Rec) => m.lease_id)).toEqual([removedLease]);
        expect(linksNow).toEqual([]);
        const ended = (await get(`/v1/residents/${removedId}`, { include_deleted: 'true' })).leases_meta_data;
        expect(ended.map((m: Rec) => [m.lease_id, typeof m.deleted_at])).toEqual([[removedLease, 'string']]);
      }

      // Nothing changed since: the next sync sends no link event.
      const again = await manualSync(harness, integrationId);
      expect(linkEvents(again.events, again.syncId)).toEqual([]);
    });

    it('a sync of the residents alone moves a link its way: with the details where residents carry them, else only ending it', async () => {
      const [forMove] = pick(vendor, 1);
      const moved = await vendor.move(forMove.resident, forMove.lease, forMove.other);
      const residentsOnly = await manualSync(harness, integrationId, { body: { models_to_sync: ['residents'] } });
      const ended = effect([], moved.removed);
      expect(linkEvents(residentsOnly.events, residentsOnly.syncId)).toEqual(
        expectedEvents(vendor.residentSideDetailed ? moved : ended),
      );
      const added = new Set(moved.added.map(key));
      await expectExact(
        integrationId,
        vendor.residentSideDetailed ? vendor.links() : vendor.links().filter((p) => !added.has(key(p))),
      );
      // The leases follow: nothing left to do where the residents brought the details, else the new link.
      const full = await manualSync(harness, integrationId);
      expect(linkEvents(full.events, full.syncId)).toEqual(
        vendor.residentSideDetailed ? [] : expectedEvents(effect(moved.added, [])),
      );
      await expectExact(integrationId, vendor.links());
    });
  });
});
