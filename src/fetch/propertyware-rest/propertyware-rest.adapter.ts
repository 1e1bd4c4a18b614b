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
  incrementalModels: ['properties', 'units', 'residents', 'leases'],
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
    });
  }

  /**
   * Every page of a model. Tenant contacts come hydrated with `leases`: a Contact names no lease or
   * building, and the only link is each lease's `contacts[]`, so every lease is read first.
   */
  async *listPages(model: PropertywareRestModel, options: ListOptions = {}): AsyncIterable<RawPage> {
    if (model !== 'residents') return yield* this.pages(model, options.since);
    const leasesByContact = await this.leasesByContact();
    for await (const page of this.pages('residents', options.since)) {
      yield { ...page, records: page.records.map((contact) => hydrate(contact, leasesByContact)) };
    }
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

/** Propertyware's date-time format YYYY-MM-dd'T'HH:mm:ssXXX, in UTC (e.g. 2022-06-28T08:47:13Z). */
export function formatPropertywareDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
