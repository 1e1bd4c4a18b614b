import { type ListOptions, type RawPage, type VendorAdapter, type VendorClient } from '../adapter/vendor-adapter';
import type { VendorHttp } from '../adapter/vendor-http';
import { getArrayPage, offsetPages } from '../adapter/offset-pages';
import { PropertywareRestCredentials } from './propertyware-rest.credentials';
import {
  PROPERTYWARE_REST_ENDPOINTS,
  PROPERTYWARE_REST_EXPECTED_FIELDS,
  PROPERTYWARE_REST_FACTS,
  PROPERTYWARE_REST_HEADERS,
  PROPERTYWARE_REST_MODELS,
  HYDRATED,
  type PropertywareRestModel,
} from './propertyware-rest.facts';
import { mapPropertywareRestRecord } from './propertyware-rest.mapper';
import { PROPERTYWARE_REST_WRITE_FIELDS, PropertywareRestWriter } from './propertyware-rest.writes';

/** Propertyware REST API v1 (docs/vendors/propertyware-rest.md): three header keys, offset/limit with X-Total-Count. */
export const propertywareRestAdapter: VendorAdapter<PropertywareRestCredentials, PropertywareRestModel> = {
  vendor: 'PROPERTYWARE_REST',
  facts: PROPERTYWARE_REST_FACTS,
  credentialsDto: PropertywareRestCredentials,
  models: PROPERTYWARE_REST_MODELS,
  // lastModifiedDateTimeStart is on every list endpoint, the ledger's and the work orders' included.
  incrementalModels: PROPERTYWARE_REST_MODELS,
  client: (credentials, context) =>
    new PropertywareRestClient(
      context.connect({
        [PROPERTYWARE_REST_HEADERS.clientId]: credentials.clientId,
        [PROPERTYWARE_REST_HEADERS.clientSecret]: credentials.clientSecret,
        [PROPERTYWARE_REST_HEADERS.systemId]: credentials.systemId,
      }),
    ),
  map: mapPropertywareRestRecord,
  vendorId: (_model, raw) => {
    const id = (raw as { id?: unknown } | null)?.id;
    return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
  },
  writeFields: PROPERTYWARE_REST_WRITE_FIELDS,
  expectedFields: PROPERTYWARE_REST_EXPECTED_FIELDS,
};

class PropertywareRestClient implements VendorClient {
  readonly writer: PropertywareRestWriter;

  constructor(private readonly http: VendorHttp) {
    // A written contact is read back as the resident sync reads it: with the leases naming it.
    this.writer = new PropertywareRestWriter(http, {
      all: async (contact) => hydrate(contact, await this.leasesByContact()),
      withLeases: (contact, leases) => hydrate(contact, indexLeases(leases)),
      record: (model, record) => this.hydrateOne(model, record),
    });
  }

  /**
   * Every page of a model, hydrated where the vendor's record lacks what the mapping needs (each lookup read
   * once per listing, and only when a page has records):
   * - tenant contacts with `leases`: a Contact names no lease or building, and the only link is each lease's
   *   `contacts[]`, so every lease is read first;
   * - charges and payments with `leaseLocation`, their lease's building and unit (ChargeTx and Payment name only
   *   the lease); charges also with `hiddenRecharge` (see `markHiddenRecharges`);
   * - work orders with `unitName`, their unit's name (unit_number).
   */
  async *listPages(model: PropertywareRestModel, options: ListOptions = {}): AsyncIterable<RawPage> {
    const pages = this.pages(model, options.since);
    if (model === 'residents') {
      const leasesByContact = await this.leasesByContact();
      for await (const page of pages)
        yield { ...page, records: page.records.map((contact) => hydrate(contact, leasesByContact)) };
      return;
    }
    const hydrator = this.hydrator(model);
    if (!hydrator) return yield* pages;
    for await (const page of pages)
      yield { ...page, records: page.records.length ? await hydrator(page.records) : page.records };
  }

  /** What hydrates one page of a model's records (null: they come complete), with its lookups read once. */
  private hydrator(model: PropertywareRestModel): ((records: unknown[]) => Promise<unknown[]>) | null {
    if (model === 'service_requests') {
      const names = once(() => this.unitNames());
      return async (records) => {
        const byId = await names();
        return records.map((order) => withUnitName(order, byId));
      };
    }
    if (model !== 'resident_charges' && model !== 'resident_payments') return null;
    const locations = once(() => this.leaseLocations());
    return async (records) => {
      const byLease = await locations();
      const located = records.map((record) => withLeaseLocation(record, byLease));
      return model === 'resident_charges' ? this.markHiddenRecharges(located) : located;
    };
  }

  /**
   * A recharge whose parent charge has the same post date is hidden (the spec's `parentTxID`: "do not include it
   * in ledger balance calculation"), so it is marked `hiddenRecharge` and the mapping leaves it out. Its parent is
   * looked for on the page, else among the lease's charges of that date (one read per lease and date).
   */
  private async markHiddenRecharges(charges: unknown[]): Promise<unknown[]> {
    const onPage = new Map<string, Raw>();
    for (const c of charges as Raw[]) if (isId(c?.id)) onPage.set(String(c.id), c);
    const sameDay = new Map<string, Promise<Set<string>>>();
    const chargesOf = (leaseID: unknown, date: string) => {
      const key = `${String(leaseID)} ${date}`;
      let ids = sameDay.get(key);
      if (!ids) sameDay.set(key, (ids = this.chargeIdsOn(leaseID, date)));
      return ids;
    };
    return Promise.all(
      (charges as Raw[]).map(async (c) => {
        if (!isId(c?.parentTxID) || !isId(c?.leaseID) || typeof c.date !== 'string') return c;
        const parent = onPage.get(String(c.parentTxID));
        const hidden = parent ? parent.date === c.date : (await chargesOf(c.leaseID, c.date)).has(String(c.parentTxID));
        return hidden ? { ...c, [HYDRATED.hiddenRecharge]: true } : c;
      }),
    );
  }

  /** The ids of a lease's charges posted on one date. */
  private async chargeIdsOn(leaseID: unknown, date: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const { path } = PROPERTYWARE_REST_ENDPOINTS.resident_charges;
    const pages = offsetPages(PROPERTYWARE_REST_FACTS.pageSize, (offset, limit) =>
      getArrayPage(this.http, path, {
        leaseID: String(leaseID),
        postDateStart: date,
        postDateEnd: date,
        offset,
        limit,
        orderby: 'id asc',
      }),
    );
    for await (const page of pages) for (const c of page.records as Raw[]) if (isId(c?.id)) ids.add(String(c.id));
    return ids;
  }

  /**
   * One written record hydrated as its listing would be, from the one lease or unit it names (GET by id) rather
   * than every one. A charge just created is no recharge, so it is never hidden.
   */
  private async hydrateOne(model: PropertywareRestModel, record: Raw): Promise<unknown> {
    const lookup = async (path: string, id: unknown): Promise<Raw | undefined> =>
      isId(id) ? (await this.http.get<Raw>(`${path}/${String(id)}`)).data : undefined;
    if (model === 'service_requests') {
      const unitID = record.unitID ?? (Array.isArray(record.unitIDs) ? record.unitIDs[0] : undefined);
      const unit = await lookup('/units', unitID);
      return withUnitName(record, new Map(unit ? [[String(unit.id), unit.name]] : []));
    }
    if (model !== 'resident_charges' && model !== 'resident_payments') return record;
    const lease = await lookup('/leases', record.leaseID);
    return withLeaseLocation(
      record,
      new Map(lease ? [[String(lease.id), { buildingID: lease.buildingID, unitID: lease.unitID }]] : []),
    );
  }

  /** lease id -> its building and unit, over every lease. */
  private async leaseLocations(): Promise<Map<string, LeaseLocation>> {
    const byLease = new Map<string, LeaseLocation>();
    for await (const page of this.pages('leases'))
      for (const lease of page.records as Raw[])
        if (isId(lease?.id)) byLease.set(String(lease.id), { buildingID: lease.buildingID, unitID: lease.unitID });
    return byLease;
  }

  /** unit id -> its name, over every unit (deactivated ones included). */
  private async unitNames(): Promise<Map<string, unknown>> {
    const byUnit = new Map<string, unknown>();
    for await (const page of this.pages('units'))
      for (const unit of page.records as Raw[]) if (isId(unit?.id)) byUnit.set(String(unit.id), unit.name);
    return byUnit;
  }

  /**
   * Offset/limit pages until X-Total-Count is reached, ordered by id so that offsets stay stable while we
   * page. The next page is requested while the caller works on the current one.
   */
  private pages(model: PropertywareRestModel, since?: Date): AsyncIterable<RawPage> {
    const modifiedSince = since ? formatPropertywareDateTime(since) : undefined;
    return offsetPages(PROPERTYWARE_REST_FACTS.pageSize, (offset, limit) =>
      this.page(model, offset, limit, modifiedSince),
    );
  }

  /** The first page of one record, unhydrated: a tenant's leases are not what the probe asks about. */
  async probe(model: PropertywareRestModel): Promise<void> {
    await this.page(model, 0, 1);
  }

  private page(
    model: PropertywareRestModel,
    offset: number,
    limit: number,
    lastModifiedDateTimeStart?: string,
  ): Promise<RawPage> {
    const { path, params } = PROPERTYWARE_REST_ENDPOINTS[model];
    return getArrayPage(this.http, path, { ...params, offset, limit, orderby: 'id asc', lastModifiedDateTimeStart });
  }

  /** contact id -> the leases naming it, over every lease. */
  private async leasesByContact(): Promise<Map<string, LeaseLink[]>> {
    const byContact = new Map<string, LeaseLink[]>();
    for await (const page of this.pages('leases')) indexLeases(page.records, byContact);
    return byContact;
  }
}

/** Adds each lease to the contacts it names, as LeaseLink (malformed leases are the leases job's to report). */
function indexLeases(leases: unknown[], byContact = new Map<string, LeaseLink[]>()): Map<string, LeaseLink[]> {
  for (const lease of leases as Array<Record<string, any> | null>) {
    if (!isId(lease?.id) || !isId(lease?.buildingID) || !Array.isArray(lease?.contacts)) continue;
    const link: LeaseLink = {
      id: lease.id,
      buildingID: lease.buildingID,
      unitID: lease.unitID,
      status: lease.status,
      startDate: lease.startDate,
      moveInDate: lease.moveInDate,
      moveOutDate: lease.moveOutDate,
      noticeGivenDate: lease.noticeGivenDate,
      contacts: lease.contacts,
    };
    for (const contact of lease.contacts as Array<{ id?: unknown } | null>) {
      if (!isId(contact?.id)) continue;
      const key = String(contact.id);
      const links = byContact.get(key);
      if (links) links.push(link);
      else byContact.set(key, [link]);
    }
  }
  return byContact;
}

/** The Lease fields a tenant needs to know where it lives and its side of its links, keeping the spec's names. */
export interface LeaseLink {
  id: number | string;
  buildingID: number | string;
  unitID?: unknown;
  status?: unknown;
  startDate?: unknown;
  moveInDate?: unknown;
  moveOutDate?: unknown;
  noticeGivenDate?: unknown;
  contacts: unknown[];
}

const isId = (value: unknown): value is number | string =>
  (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && value !== '');

/** A contact with the leases that name it; anything else passes through untouched, for quarantine. */
function hydrate(contact: unknown, leasesByContact: Map<string, LeaseLink[]>): unknown {
  const id = (contact as { id?: unknown } | null)?.id;
  if (!isId(id)) return contact;
  return { ...(contact as object), leases: leasesByContact.get(String(id)) ?? [] };
}

type Raw = Record<string, any>;

/** A charge's or payment's lease's building and unit, in the Lease's own names. */
export interface LeaseLocation {
  buildingID: unknown;
  unitID: unknown;
}

/** The first call's promise, shared by every later call. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** A charge or payment with its lease's location; one whose lease is unknown passes as is (quarantined). */
function withLeaseLocation(record: unknown, byLease: Map<string, LeaseLocation>): unknown {
  const leaseID = (record as Raw | null)?.leaseID;
  const location = isId(leaseID) ? byLease.get(String(leaseID)) : undefined;
  return location ? { ...(record as Raw), [HYDRATED.leaseLocation]: location } : record;
}

/** A work order with the name of its unit (`unitID`, else the first of `unitIDs`). */
function withUnitName(order: unknown, byUnit: Map<string, unknown>): unknown {
  const o = order as Raw | null;
  if (!o || typeof o !== 'object') return order;
  const unitID = o.unitID ?? (Array.isArray(o.unitIDs) ? o.unitIDs[0] : undefined);
  const name = isId(unitID) ? byUnit.get(String(unitID)) : undefined;
  return name === undefined ? order : { ...o, [HYDRATED.unitName]: name };
}

/** Propertyware's date-time format YYYY-MM-dd'T'HH:mm:ssXXX, in UTC (e.g. 2022-06-28T08:47:13Z). */
export function formatPropertywareDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
