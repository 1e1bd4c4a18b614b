import type { IncomingMessage, ServerResponse } from 'node:http';
import { isoTimeOrNull, type LinkChange, relinkedLeases, simulatorState } from '../kit/control-api';
import { type DeniedCollections, isDenied } from '../kit/denied-collections';
import { applyChanges, editEvenly, raisedRent, withRound } from '../kit/record-edits';
import { sendJson, type ServeOptions, startSandboxServer } from '../kit/sandbox-http';
import { ChangeClock, RecordIndexes, type SimulatedVendor, VendorSimulator } from '../kit/vendor-simulator';
import {
  generatePropertywareRestData,
  isoSeconds,
  type PropertywareRestData,
  type PropertywareRestDatasetOptions,
  SEEDED_AT,
} from './propertyware-rest-dataset';

type Rec = Record<string, any>;
type Collection = keyof PropertywareRestData;

export interface PropertywareRestCredentialSet {
  clientId: string;
  clientSecret: string;
  systemId: string;
}

export interface PropertywareRestSandboxOptions extends PropertywareRestDatasetOptions {
  /** Accepted client id / secret / system id triples; a denied collection answers 403. */
  credentials?: Array<PropertywareRestCredentialSet & DeniedCollections<Collection>>;
  /** Answer 429 beyond this many requests in any second (Propertyware: about 10); 0 turns throttling off. */
  requestsPerSecond?: number;
}

export type PropertywareRestSandbox = SimulatedVendor<PropertywareRestData, PropertywareRestSandboxOptions>;

export const PROPERTYWARE_REST_SANDBOX_CREDENTIALS: PropertywareRestCredentialSet = {
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret',
  systemId: '1000',
};
/** Accepted by default too, but may not read contacts: the demo's FAILED data-access check. */
export const PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS: PropertywareRestCredentialSet = {
  clientId: 'sandbox-limited-client-id',
  clientSecret: 'sandbox-client-secret',
  systemId: '1000',
};

const DEFAULT_CREDENTIALS: NonNullable<PropertywareRestSandboxOptions['credentials']> = [
  PROPERTYWARE_REST_SANDBOX_CREDENTIALS,
  { ...PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS, denied: ['contacts'] },
];

const COLLECTIONS: Collection[] = ['portfolios', 'buildings', 'units', 'leases', 'contacts'];
/** Collections whose list endpoint hides deactivated records unless includeDeactivated=true. */
const DEACTIVATABLE = new Set<Collection>(['portfolios', 'buildings', 'units']);
const CONTACT_TYPES = ['TENANT', 'PROSPECT', 'OWNER', 'VENDOR', 'OTHER'];
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;
const DEFAULT_REQUESTS_PER_SECOND = 10;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/;
/** orderby names that are not just a field name in lower case. */
const ORDER_ALIASES: Record<string, string> = {
  createddate: 'createdDateTime',
  scheduledmoveoutdate: 'scheduleMoveOutDate',
};

const errorResponse = (
  errorCode: string,
  userMessage: string,
  errors: Array<{ key: string; message: string }> = [],
) => ({ errorCode, userMessage, errors });

/**
 * A Propertyware REST API v1 simulator (docs/vendors/propertyware-rest.md): three header keys, offset/limit
 * (limit capped at 500) with X-Total-Count, lastModifiedDateTimeStart/End, includeDeactivated, orderby, 429
 * beyond ~10 requests a second, ErrorResponse bodies, plus a control API under /_control/ to change the data
 * between syncs and to inject faults.
 */
export function createPropertywareRestSandbox(initial: PropertywareRestSandboxOptions = {}): PropertywareRestSandbox {
  return new PropertywareRestSimulator().reset(initial);
}

class PropertywareRestSimulator
  extends VendorSimulator<PropertywareRestData, PropertywareRestSandboxOptions>
  implements PropertywareRestSandbox
{
  /** Change time of each record in milliseconds (lastModifiedDateTime only shows seconds). */
  private clock = new ChangeClock(SEEDED_AT);
  private readonly indexes = new RecordIndexes<PropertywareRestData>(
    () => this.store,
    () => 'id',
  );

  protected generate(options: PropertywareRestSandboxOptions): PropertywareRestData {
    return generatePropertywareRestData(options);
  }

  protected override onReset(): void {
    this.clock = new ChangeClock(SEEDED_AT);
    this.indexes.forget();
  }

  protected control() {
    return { mutateKinds: COLLECTIONS };
  }

  protected sendInternalError(res: ServerResponse, error: Error): void {
    sendJson(res, 500, errorResponse('INTERNAL_SERVER_ERROR', `Sandbox error: ${error.message}`));
  }

  // ---- the vendor API ------------------------------------------------------------------------------

  protected async vendorApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const given = {
      clientId: req.headers['x-propertyware-client-id'],
      clientSecret: req.headers['x-propertyware-client-secret'],
      systemId: req.headers['x-propertyware-system-id'],
    };
    const credential = (this.options.credentials ?? DEFAULT_CREDENTIALS).find(
      (c) => c.clientId === given.clientId && c.clientSecret === given.clientSecret && c.systemId === given.systemId,
    );
    if (!credential) {
      return sendJson(
        res,
        401,
        errorResponse(
          'UNAUTHORIZED',
          'The API key could not be authorized: x-propertyware-client-id, x-propertyware-client-secret and x-propertyware-system-id must name an active key of this organization.',
        ),
      );
    }
    // Paths, and the paging parameters' names, are case-sensitive: a wrong case is a 404.
    const match = /^\/([a-z]+)(?:\/(\d+))?\/?$/.exec(url.pathname);
    const collection = match && (COLLECTIONS as string[]).includes(match[1]) ? (match[1] as Collection) : undefined;
    const misspelt = [...url.searchParams.keys()].find(
      (k) => ['limit', 'offset'].includes(k.toLowerCase()) && k !== k.toLowerCase(),
    );
    if (!collection || misspelt)
      return sendJson(
        res,
        404,
        errorResponse(
          'NOT_FOUND',
          `No resource at ${url.pathname}${misspelt ? ` with parameter ${misspelt}` : ''}. URL paths and parameter names are case-sensitive.`,
        ),
      );
    if (req.method !== 'GET')
      return sendJson(
        res,
        405,
        errorResponse('METHOD_NOT_ALLOWED', `${req.method} is not supported by this simulator`),
      );
    if (isDenied(credential, collection)) {
      return sendJson(
        res,
        403,
        errorResponse(
          'FORBIDDEN',
          `The supplied credentials don't have permissions to access the resources at ${url.pathname}.`,
        ),
      );
    }
    if (this.overRate(this.options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND))
      return sendJson(
        res,
        429,
        errorResponse(
          'TOO_MANY_REQUESTS',
          'Too many requests. Retry after a short interval with an exponential backoff.',
        ),
      );
    const faults = await this.served(url.pathname, (failing) =>
      sendJson(res, failing.status, errorResponse('INJECTED_FAULT', 'Injected fault'), failing.headers),
    );
    if (!faults) return;

    const id = match![2];
    if (id !== undefined) {
      const record = this.index(collection).get(Number(id));
      if (!record) return sendJson(res, 404, errorResponse('NOT_FOUND', `${collection} ${id} was not found.`));
      return this.sendRecord(res, this.view(collection, record), faults, 'id');
    }

    const query = this.parseListQuery(collection, url.searchParams);
    if ('errors' in query)
      return sendJson(
        res,
        400,
        errorResponse('BAD_REQUEST', 'Unable to process the request due to invalid parameters.', query.errors),
      );
    const matching = this.filter(collection, query);
    this.sendOffsetPage(res, matching, query, (r) => this.view(collection, r), faults, 'id');
  }

  private parseListQuery(collection: Collection, params: URLSearchParams) {
    const errors: Array<{ key: string; message: string }> = [];
    const int = (name: string, fallback: number, min: number) => {
      const raw = params.get(name);
      if (raw === null) return fallback;
      if (!/^-?\d+$/.test(raw) || Number(raw) < min) {
        errors.push({ key: name, message: `must be an integer of at least ${min}` });
        return fallback;
      }
      return Number(raw);
    };
    const time = (name: string) => {
      const raw = params.get(name);
      if (raw === null || raw === '') return undefined;
      const ms = DATE_TIME.test(raw) ? Date.parse(raw) : NaN;
      if (Number.isNaN(ms))
        errors.push({
          key: name,
          message: "must be a date-time formatted YYYY-MM-dd'T'HH:mm:ssXXX, e.g. 2022-06-28T08:47:13Z",
        });
      return Number.isNaN(ms) ? undefined : ms;
    };
    const offset = int('offset', 0, 0);
    const limit = Math.min(int('limit', DEFAULT_LIMIT, 1), MAX_LIMIT); // a larger limit is cut to 500, silently
    const from = time('lastModifiedDateTimeStart');
    const to = time('lastModifiedDateTimeEnd');
    const includeDeactivated = params.get('includeDeactivated') === 'true';
    const type = collection === 'contacts' ? (params.get('type') ?? undefined) : undefined;
    if (type !== undefined && !CONTACT_TYPES.includes(type))
      errors.push({ key: 'type', message: `must be one of ${CONTACT_TYPES.join(', ')}` });
    const order = this.parseOrder(collection, params.get('orderby'), errors);
    if (errors.length) return { errors };
    return { offset, limit, from, to, includeDeactivated, type, order };
  }

  /** `orderby=field [asc|desc],…`; field names are matched without regard to case. */
  private parseOrder(collection: Collection, raw: string | null, errors: Array<{ key: string; message: string }>) {
    if (!raw) return [];
    const fields = new Map(Object.keys(this.store[collection][0] ?? { id: 0 }).map((k) => [k.toLowerCase(), k]));
    return raw.split(',').map((part) => {
      const [name = '', direction = 'asc'] = part.trim().split(/\s+/);
      const field = ORDER_ALIASES[name.toLowerCase()] ?? fields.get(name.toLowerCase());
      if (!field || !['asc', 'desc'].includes(direction.toLowerCase()))
        errors.push({ key: 'orderby', message: `cannot sort by "${part.trim()}"` });
      return { field: field ?? 'id', descending: direction.toLowerCase() === 'desc' };
    });
  }

  private filter(
    collection: Collection,
    q: {
      from?: number;
      to?: number;
      includeDeactivated: boolean;
      type?: string;
      order: Array<{ field: string; descending: boolean }>;
    },
  ): Rec[] {
    const matching = this.store[collection].filter((r) => {
      const changed = this.changedAt(r);
      if (q.from !== undefined && changed < q.from) return false;
      if (q.to !== undefined && changed > q.to) return false;
      if (!q.includeDeactivated && DEACTIVATABLE.has(collection) && r.active === false) return false;
      if (q.type !== undefined && r.type !== q.type) return false;
      return true;
    });
    if (q.order.length === 0) return matching; // stored id ascending
    const compare = (a: Rec, b: Rec) => {
      for (const { field, descending } of q.order) {
        const x = a[field],
          y = b[field];
        const c = x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x < y ? -1 : 1;
        if (c !== 0) return descending ? -c : c;
      }
      return a.id - b.id;
    };
    return matching.sort(compare);
  }

  /** Records as the API serves them: a lease's contacts as LeaseContact, completed from the contacts. */
  view(collection: Collection, record: Rec): Rec {
    if (collection !== 'leases') return record;
    const contacts = this.index('contacts');
    return {
      ...record,
      contacts: record.contacts.map((link: Rec) => {
        const c = contacts.get(link.id) ?? {};
        const lc = {
          id: link.id,
          firstName: c.firstName,
          lastName: c.lastName,
          email: c.email,
          homePhone: c.homePhone,
          mobilePhone: c.mobilePhone,
          workPhone: c.workPhone,
          company: c.company,
          namedOnLease: true,
          primary: link.primary,
          role: link.role,
        };
        return Object.fromEntries(Object.entries(lc).filter(([, v]) => v !== undefined));
      }),
    };
  }

  // ---- the control API: change the data between syncs, inject faults --------------------------------

  state() {
    return simulatorState(this, 'PROPERTYWARE_REST', { lastResponseAt: isoTimeOrNull(this.lastResponseAt) });
  }

  /**
   * Edits `n` records of each named collection, spread evenly over it: contacts get a new first name,
   * leases a new base rent, units a new target rent, buildings and portfolios a new name.
   */
  mutate(counts: Rec) {
    const round = ++this.mutationRound;
    return editEvenly<Collection>(counts, (collection) => this.store[collection], {
      portfolios: (r) => this.update('portfolios', r, { name: withRound(r.name ?? 'Portfolio', round) }),
      buildings: (r) => this.update('buildings', r, { name: withRound(r.name ?? 'Building', round) }),
      units: (r) => this.update('units', r, { targetRent: raisedRent(r.targetRent) }),
      leases: (r) => this.update('leases', r, { baseRent: raisedRent(r.baseRent) }),
      contacts: (r) => this.update('contacts', r, { firstName: withRound(r.firstName ?? 'First', round) }),
    });
  }

  find(collection: Collection, id: string): Rec | undefined {
    return this.index(collection).get(Number(id));
  }

  create(collection: Collection, body: Rec): Rec {
    const records = this.store[collection];
    const nextId = (records.length ? records[records.length - 1].id : 0) + 1;
    const now = isoSeconds(Date.now());
    const record: Rec = {
      ...defaults(collection),
      createdBy: 'Sandbox',
      createdDateTime: now,
      lastModifiedBy: 'Sandbox',
      ...body,
      id: nextId,
    };
    records.push(record);
    this.indexes.forget();
    this.touch(record);
    return record;
  }

  update(_collection: Collection, record: Rec, body: Rec): Rec {
    const { id: _ignored, ...changes } = body;
    applyChanges(record, changes);
    this.touch(record);
    return record;
  }

  remove(collection: Collection, record: Rec): void {
    this.removeRecord(collection, record);
    this.indexes.forget();
    if (collection !== 'contacts') return;
    // The contact leaves every lease it was on; those leases change too.
    for (const lease of this.store.leases) {
      if (!lease.contacts.some((c: Rec) => c.id === record.id)) continue;
      lease.contacts = lease.contacts.filter((c: Rec) => c.id !== record.id);
      this.touch(lease);
    }
  }

  /**
   * A contact taken off and/or put on leases as Propertyware shows it: the lease's contacts (`{id, primary,
   * role}`), which moves the lease's lastModifiedDateTime; the contact record itself does not change.
   */
  relink(change: LinkChange): Rec | string {
    const { resident } = change;
    const contact = this.find('contacts', resident);
    if (!contact) return `contact ${resident} not found`;
    const leases = relinkedLeases(
      change,
      'contact',
      (id) => this.find('leases', id),
      (lease) => lease.contacts.some((c: Rec) => c.id === contact.id),
    );
    if (typeof leases === 'string') return leases;
    const { off, on } = leases;
    if (off) this.update('leases', off, { contacts: off.contacts.filter((c: Rec) => c.id !== contact.id) });
    if (on)
      this.update('leases', on, { contacts: [...on.contacts, { id: contact.id, primary: false, role: 'Tenant' }] });
    return {
      resident,
      leases: this.store.leases
        .filter((l) => l.contacts.some((c: Rec) => c.id === contact.id))
        .map((l) => String(l.id)),
    };
  }

  /** Marks a record modified now (strictly later than any earlier change, so since-filters see it). */
  private touch(record: Rec): void {
    record.lastModifiedDateTime = isoSeconds(this.clock.touch(record));
    record.lastModifiedBy = 'Sandbox';
  }

  private changedAt(record: Rec): number {
    return this.clock.changedAt(record);
  }

  private index(collection: Collection): Map<number, Rec> {
    return this.indexes.of(collection);
  }
}

function defaults(collection: Collection): Rec {
  switch (collection) {
    case 'leases':
      return { contacts: [], active: true };
    case 'contacts':
      return { type: 'TENANT' };
    default:
      return { active: true };
  }
}

/** Runs the simulator as its own HTTP server (tests, benchmarks). */
export const startPropertywareRestSandboxServer = (options: PropertywareRestSandboxOptions & ServeOptions = {}) =>
  startSandboxServer(createPropertywareRestSandbox, options);
