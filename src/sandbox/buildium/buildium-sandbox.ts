import type { IncomingMessage, ServerResponse } from 'node:http';
import { isoTimeOrNull, type LinkChange, relinkedLeases, simulatorState } from '../kit/control-api';
import { type DeniedCollections, isDenied } from '../kit/denied-collections';
import { applyChanges, editEvenly, raisedRent, withRound } from '../kit/record-edits';
import {
  BodyError,
  isJsonObject,
  readJson,
  sendJson,
  type ServeOptions,
  startSandboxServer,
} from '../kit/sandbox-http';
import {
  ChangeClock,
  RecordIndexes,
  type SimulatedVendor,
  VendorSimulator,
  type WriteResult,
} from '../kit/vendor-simulator';
import { type BuildiumData, type BuildiumDatasetOptions, generateBuildiumData, SEEDED_AT } from './buildium-dataset';

type Rec = Record<string, any>;
type Collection = keyof BuildiumData;

export interface BuildiumSandboxOptions extends BuildiumDatasetOptions {
  /** Accepted `x-buildium-client-id` / `x-buildium-client-secret` pairs; a denied collection answers 403. */
  credentials?: Array<{ clientId: string; secret: string; readOnly?: boolean } & DeniedCollections<Collection>>;
  /** Answer 429 beyond this many requests in any second (Buildium: about 10). Unlimited when absent. */
  requestsPerSecond?: number;
}

export type BuildiumSandbox = SimulatedVendor<BuildiumData, BuildiumSandboxOptions>;

export const BUILDIUM_SANDBOX_CREDENTIALS = { clientId: 'sandbox-client-id', secret: 'sandbox-secret' };
/** Accepted by default too, but may not read tenants: the demo's FAILED data-access check. */
export const BUILDIUM_SANDBOX_LIMITED_CREDENTIALS = { clientId: 'sandbox-limited-client-id', secret: 'sandbox-secret' };

/** Accepted by default too, but may not write: the data-access check's FAILED create and update. */
export const BUILDIUM_SANDBOX_READ_ONLY_CREDENTIALS = {
  clientId: 'sandbox-read-only-client-id',
  secret: 'sandbox-secret',
};

const DEFAULT_CREDENTIALS: NonNullable<BuildiumSandboxOptions['credentials']> = [
  BUILDIUM_SANDBOX_CREDENTIALS,
  { ...BUILDIUM_SANDBOX_LIMITED_CREDENTIALS, denied: ['tenants'] },
  { ...BUILDIUM_SANDBOX_READ_ONLY_CREDENTIALS, readOnly: true },
];

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 50;

/** Routes of the vendor API: path pattern -> collection. */
const ROUTES: Array<{ pattern: RegExp; collection: Collection }> = [
  { pattern: /^\/v1\/rentals\/units(?:\/(\d+))?\/?$/, collection: 'units' },
  { pattern: /^\/v1\/leases\/tenants(?:\/(\d+))?\/?$/, collection: 'tenants' },
  { pattern: /^\/v1\/rentals(?:\/(\d+))?\/?$/, collection: 'rentals' },
  { pattern: /^\/v1\/leases(?:\/(\d+))?\/?$/, collection: 'leases' },
  { pattern: /^\/v1\/applicants(?:\/(\d+))?\/?$/, collection: 'applicants' },
];

const apiError = (userMessage: string, errorCode: string, errors: Array<{ Key: string; Value: string }> = []) => ({
  UserMessage: userMessage,
  ErrorCode: errorCode,
  Errors: errors,
});
const isoSeconds = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * A Buildium Open API v1 simulator (docs/vendors/buildium.md): header credentials, offset/limit with
 * X-Total-Count, lastupdatedfrom/to, 429 throttling, plus a control API under /_control/ to change the
 * data between syncs and to inject faults.
 */
export function createBuildiumSandbox(initial: BuildiumSandboxOptions = {}): BuildiumSandbox {
  return new BuildiumSimulator().reset(initial);
}

class BuildiumSimulator extends VendorSimulator<BuildiumData, BuildiumSandboxOptions> implements BuildiumSandbox {
  /** Last change time of each record; TenantMessage has no such field, so it is kept beside the data. */
  private clock = new ChangeClock(SEEDED_AT);
  private leasesByTenant: Map<number, Rec[]> | null = null;
  private readonly indexes = new RecordIndexes<BuildiumData>(
    () => this.store,
    () => 'Id',
  );

  protected generate(options: BuildiumSandboxOptions): BuildiumData {
    return generateBuildiumData(options);
  }

  protected override onReset(): void {
    this.clock = new ChangeClock(SEEDED_AT);
    this.changed();
  }

  protected control() {
    return { mutateKinds: ['tenants', 'leases', 'units', 'rentals'] };
  }

  protected sendInternalError(res: ServerResponse, error: Error): void {
    sendJson(res, 500, apiError(`Sandbox error: ${error.message}`, 'InternalServerError'));
  }

  // ---- the vendor API ------------------------------------------------------------------------------

  protected async vendorApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = ROUTES.map((r) => ({ ...r, match: r.pattern.exec(url.pathname) })).find((r) => r.match);
    const clientId = req.headers['x-buildium-client-id'];
    const secret = req.headers['x-buildium-client-secret'];
    const credential = (this.options.credentials ?? DEFAULT_CREDENTIALS).find(
      (c) => c.clientId === clientId && c.secret === secret,
    );
    if (!credential) {
      return sendJson(
        res,
        401,
        apiError(
          'Authentication failed: x-buildium-client-id and x-buildium-client-secret are missing or invalid.',
          'Unauthorized',
        ),
      );
    }
    if (!route) return sendJson(res, 404, apiError(`No route matches ${url.pathname}`, 'NotFound'));
    const writing = req.method === 'POST' || req.method === 'PUT';
    if (req.method !== 'GET' && !(writing && WRITABLE.has(route.collection)))
      return sendJson(res, 405, apiError(`${req.method} is not supported by this simulator`, 'MethodNotAllowed'));
    // Buildium checks auth and permission before it looks at a write's body.
    if (isDenied(credential, route.collection) || (writing && credential.readOnly)) {
      return sendJson(
        res,
        403,
        apiError(
          `The supplied credentials don't have permissions to access the resource ${url.pathname}.`,
          'Forbidden',
        ),
      );
    }
    if (this.overRate(this.options.requestsPerSecond))
      return sendJson(res, 429, apiError('Too many requests. Retry after a short interval.', 'TooManyRequests'));
    if (writing) return this.tenantWrite(req, res, url, route.match![1]);
    const faults = await this.served(url.pathname, (failing) =>
      sendJson(res, failing.status, apiError('Injected fault', 'InjectedFault'), failing.headers),
    );
    if (!faults) return;

    const id = route.match![1];
    if (id !== undefined) {
      const record = this.index(route.collection).get(Number(id));
      if (!record) return sendJson(res, 404, apiError(`${route.collection} ${id} was not found.`, 'NotFound'));
      return this.sendRecord(res, this.view(route.collection, record), faults, 'Id');
    }

    const query = this.parseListQuery(url.searchParams);
    if ('errors' in query)
      return sendJson(res, 400, apiError('The request has invalid parameters.', 'BadRequest', query.errors));
    const matching = this.filter(route.collection, query);
    this.sendOffsetPage(res, matching, query, (r) => this.view(route.collection, r), faults, 'Id');
  }

  // ---- writes (docs/vendors/buildium.md, Writes) ------------------------------------------------------

  /**
   * POST /v1/leases/tenants (RentalTenantPostMessage → 201 TenantMessage) and PUT /v1/leases/tenants/{id}
   * (RentalTenantPutMessage → 200): 415 without a JSON content type, 400 for a malformed body (Errors[].Key the
   * field path), 422 for an unknown lease, 404 for an unknown tenant. A PUT replaces the whole record: optional
   * fields left out are blanked. Every write is counted in `writes`, and may meet injected faults, `afterApply`
   * ones after it is applied.
   */
  private async tenantWrite(req: IncomingMessage, res: ServerResponse, url: URL, id: string | undefined) {
    const post = req.method === 'POST';
    if (post === (id !== undefined))
      return sendJson(res, 405, apiError(`${req.method} is not supported on ${url.pathname}`, 'MethodNotAllowed'));
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return sendJson(res, 415, apiError('Content-Type must be application/json.', 'UnsupportedMediaType'));
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      return sendJson(res, 400, apiError('The request body is not valid JSON.', 'BadRequest'));
    }
    const operation = post ? 'POST /v1/leases/tenants' : 'PUT /v1/leases/tenants/{id}';
    const reject = (status: number, error: Rec): WriteResult => ({
      outcome: 'rejected',
      respond: () => sendJson(res, status, error),
    });
    await this.servedWrite(
      url.pathname,
      operation,
      (failing) => sendJson(res, failing.status, apiError('Injected fault', 'InjectedFault'), failing.headers),
      (): WriteResult => {
        const errors = tenantMessageErrors(body, post);
        if (errors.length > 0) return reject(400, apiError('The request has validation errors.', 'BadRequest', errors));
        const message = body as Rec;
        let record: Rec;
        if (post) {
          if (!this.index('leases').get(Number(message.LeaseId)))
            return reject(
              422,
              apiError('The lease could not be found.', 'UnprocessableEntity', [
                { Key: 'LeaseId', Value: 'Lease does not exist' },
              ]),
            );
          record = this.create('tenants', tenantRecord(message));
        } else {
          const current = this.index('tenants').get(Number(id));
          if (!current) return reject(404, apiError(`tenants ${id} was not found.`, 'NotFound'));
          record = this.update('tenants', current, { ...BLANKED_ON_PUT, ...tenantRecord(message) });
        }
        return { outcome: 'applied', respond: () => sendJson(res, post ? 201 : 200, this.view('tenants', record)) };
      },
      req.method,
    );
  }

  private parseListQuery(params: URLSearchParams) {
    const errors: Array<{ Key: string; Value: string }> = [];
    const int = (name: string, fallback: number, min: number, max: number) => {
      const raw = params.get(name);
      if (raw === null) return fallback;
      if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
        errors.push({ Key: name, Value: `must be an integer from ${min} to ${max}` });
        return fallback;
      }
      return Number(raw);
    };
    const time = (name: string) => {
      const raw = params.get(name);
      if (raw === null || raw === '') return undefined;
      const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? Date.parse(raw) : NaN;
      if (Number.isNaN(ms)) errors.push({ Key: name, Value: 'must be a date-time such as 2026-01-31T00:00:00Z' });
      return Number.isNaN(ms) ? undefined : ms;
    };
    const list = (name: string) =>
      params
        .getAll(name)
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean);
    const offset = int('offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = int('limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
    const from = time('lastupdatedfrom');
    const to = time('lastupdatedto');
    const propertyIds = list('propertyids');
    if (propertyIds.some((v) => !/^\d+$/.test(v))) errors.push({ Key: 'propertyids', Value: 'must be integers' });
    const leaseStatuses = list('leasestatuses');
    const badStatus = leaseStatuses.find((s) => !['Active', 'Past', 'Future'].includes(s));
    if (badStatus) errors.push({ Key: 'leasestatuses', Value: `${badStatus} is not one of Active, Past, Future` });
    if (errors.length) return { errors };
    return {
      offset,
      limit,
      from,
      to,
      propertyIds: new Set(propertyIds.map(Number)),
      leaseStatuses: new Set(leaseStatuses),
    };
  }

  private filter(
    collection: Collection,
    q: { from?: number; to?: number; propertyIds: Set<number>; leaseStatuses: Set<string> },
  ): Rec[] {
    const all = this.store[collection];
    if (q.from === undefined && q.to === undefined && q.propertyIds.size === 0 && q.leaseStatuses.size === 0)
      return all;
    const propertyOf = (r: Rec): number | undefined =>
      collection === 'rentals' ? r.Id : collection === 'tenants' ? undefined : r.PropertyId;
    const tenantLeases = collection === 'tenants' ? this.tenantLeases() : undefined;
    return all.filter((r) => {
      const changed = this.changedAt(r);
      if (q.from !== undefined && changed < q.from) return false;
      if (q.to !== undefined && changed > q.to) return false;
      if (q.propertyIds.size) {
        const ids = tenantLeases ? (tenantLeases.get(r.Id) ?? []).map((l) => l.PropertyId) : [propertyOf(r)];
        if (!ids.some((id) => id !== undefined && q.propertyIds.has(id))) return false;
      }
      if (q.leaseStatuses.size && collection === 'leases' && !q.leaseStatuses.has(r.LeaseStatus)) return false;
      return true;
    });
  }

  /** Records as the API serves them: a lease with CurrentTenants, a tenant with its Leases. */
  view(collection: Collection, record: Rec): Rec {
    if (collection === 'leases') {
      const tenants = this.index('tenants');
      const current = record.Tenants.filter((t: Rec) => t.Status === 'Current')
        .map((t: Rec) => tenants.get(t.Id))
        .filter(Boolean);
      return { ...record, CurrentTenants: current };
    }
    if (collection === 'tenants') return { ...record, Leases: this.tenantLeases().get(record.Id) ?? [] };
    return record;
  }

  // ---- the control API: change the data between syncs, inject faults --------------------------------

  state() {
    return simulatorState(this, 'BUILDIUM', { lastResponseAt: isoTimeOrNull(this.lastResponseAt) });
  }

  /**
   * Edits `n` records of each named collection, spread evenly over it (a bulk change for demos and
   * benchmarks): tenants and applicants get a new first name, leases and units a new rent, rentals a new name.
   */
  mutate(counts: Rec) {
    const round = ++this.mutationRound;
    return editEvenly<Collection>(counts, (collection) => this.store[collection], {
      rentals: (r) => this.update('rentals', r, { Name: withRound(r.Name, round) }),
      units: (r) => this.update('units', r, { MarketRent: raisedRent(r.MarketRent) }),
      leases: (r) =>
        this.update('leases', r, { AccountDetails: { ...r.AccountDetails, Rent: raisedRent(r.AccountDetails?.Rent) } }),
      tenants: (r) => this.update('tenants', r, { FirstName: withRound(r.FirstName, round) }),
      applicants: (r) => this.update('applicants', r, { FirstName: withRound(r.FirstName, round) }),
    });
  }

  find(collection: Collection, id: string): Rec | undefined {
    return this.index(collection).get(Number(id));
  }

  /**
   * A new record. A tenant exists only on a lease at Buildium (RentalTenantPostMessage.LeaseId is required): it
   * joins the lease `LeaseId` names, else the first active one.
   */
  create(collection: Collection, body: Rec): Rec {
    const records = this.store[collection];
    const nextId = (records.length ? records[records.length - 1].Id : 0) + 1;
    const { LeaseId: leaseId, ...fields } = body;
    const record: Rec = { ...defaults(collection), ...(collection === 'tenants' ? fields : body), Id: nextId };
    records.push(record);
    this.changed();
    this.touch(collection, record);
    if (collection === 'tenants') {
      const lease =
        leaseId === undefined
          ? this.store.leases.find((l) => l.LeaseStatus === 'Active')
          : this.index('leases').get(Number(leaseId));
      if (lease)
        this.update('leases', lease, {
          Tenants: [...lease.Tenants, { Id: nextId, Status: lease.LeaseStatus === 'Future' ? 'Future' : 'Current' }],
        });
    }
    return record;
  }

  update(collection: Collection, record: Rec, body: Rec): Rec {
    const { Id: _ignored, ...changes } = body;
    applyChanges(record, changes);
    if (collection === 'leases' && 'Tenants' in changes) this.leasesByTenant = null;
    this.touch(collection, record);
    return record;
  }

  remove(collection: Collection, record: Rec): void {
    this.removeRecord(collection, record);
    if (collection === 'tenants') {
      // The tenant leaves every lease it was on; those leases change too.
      for (const lease of this.tenantLeases().get(record.Id) ?? []) {
        lease.Tenants = lease.Tenants.filter((t: Rec) => t.Id !== record.Id);
        lease.MoveOutData = (lease.MoveOutData ?? []).filter((m: Rec) => m.TenantId !== record.Id);
        this.touch('leases', lease);
      }
    }
    this.changed();
  }

  /**
   * A tenant taken off and/or put on leases as Buildium shows it: the lease's `Tenants` (and `MoveOutData`)
   * entry, which the tenant's `Leases` embeds. Each lease changed moves its LastUpdatedDateTime; the tenant,
   * whose Leases changed, is changed too.
   */
  relink(change: LinkChange): Rec | string {
    const { resident } = change;
    const tenant = this.find('tenants', resident);
    if (!tenant) return `tenant ${resident} not found`;
    const leases = relinkedLeases(
      change,
      'tenant',
      (id) => this.find('leases', id),
      (lease) => lease.Tenants.some((t: Rec) => t.Id === tenant.Id),
    );
    if (typeof leases === 'string') return leases;
    const { off, on } = leases;
    if (off) {
      off.Tenants = off.Tenants.filter((t: Rec) => t.Id !== tenant.Id);
      off.MoveOutData = (off.MoveOutData ?? []).filter((m: Rec) => m.TenantId !== tenant.Id);
      off.CurrentNumberOfOccupants = off.Tenants.length;
      this.touch('leases', off);
    }
    if (on) {
      const status = on.LeaseStatus === 'Past' ? 'MovedOut' : on.LeaseStatus === 'Future' ? 'Future' : 'Current';
      on.Tenants = [...on.Tenants, { Id: tenant.Id, Status: status, MoveInDate: on.LeaseFromDate }];
      on.CurrentNumberOfOccupants = on.Tenants.length;
      this.touch('leases', on);
    }
    this.leasesByTenant = null;
    this.touch('tenants', tenant);
    return { resident, leases: (this.tenantLeases().get(tenant.Id) ?? []).map((l) => String(l.Id)) };
  }

  /** Marks a record changed now (strictly later than any earlier change, so since-filters see it). */
  private touch(collection: Collection, record: Rec): void {
    const now = this.clock.touch(record);
    if (collection === 'leases') {
      record.LastUpdatedDateTime = isoSeconds(now);
      // A tenant embeds its leases, so a lease change is a change of its tenants too.
      const tenants = this.index('tenants');
      for (const t of record.Tenants ?? []) {
        const tenant = tenants.get(t.Id);
        if (tenant) this.clock.touchAlong(tenant);
      }
    }
  }

  private changedAt(record: Rec): number {
    return this.clock.changedAt(record);
  }

  private changed(): void {
    this.leasesByTenant = null;
    this.indexes.forget();
  }

  private index(collection: Collection): Map<number, Rec> {
    return this.indexes.of(collection);
  }

  /** tenant Id -> its leases as TenantMessage.Leases embeds them (LeaseMessage without CurrentTenants). */
  private tenantLeases(): Map<number, Rec[]> {
    if (this.leasesByTenant) return this.leasesByTenant;
    const map = new Map<number, Rec[]>();
    for (const lease of this.store.leases) {
      for (const t of lease.Tenants ?? []) {
        const list = map.get(t.Id);
        if (list) list.push(lease);
        else map.set(t.Id, [lease]);
      }
    }
    return (this.leasesByTenant = map);
  }
}

/** Collections this simulator takes writes for (the rest answer 405 until their writes are built). */
const WRITABLE = new Set<Collection>(['tenants']);

/** What a PUT leaves blank when it omits it (Buildium: "will be set to either an empty string or null"). */
const BLANKED_ON_PUT: Rec = {
  Email: null,
  AlternateEmail: null,
  PhoneNumbers: [],
  DateOfBirth: null,
  Comment: null,
  TaxId: null,
  EmergencyContact: null,
  AlternateAddress: null,
  MailingPreference: null,
};

/** PhoneNumbersMessage slots as TenantMessage reads them back: PhoneNumbers[] {Number, Type}. */
const PHONE_READ_TYPE: Record<string, string> = { Home: 'Home', Work: 'Work', Mobile: 'Cell', Fax: 'Fax' };

/** A RentalTenantPostMessage / PutMessage as the stored TenantMessage. */
function tenantRecord(message: Rec): Rec {
  const { LeaseId, PhoneNumbers, ...rest } = message;
  const phones = isJsonObject(PhoneNumbers)
    ? Object.entries(PHONE_READ_TYPE)
        .filter(([slot]) => typeof PhoneNumbers[slot] === 'string' && PhoneNumbers[slot] !== '')
        .map(([slot, type]) => ({ Number: PhoneNumbers[slot], Type: type }))
    : [];
  return { ...rest, PhoneNumbers: phones, ...(LeaseId !== undefined ? { LeaseId } : {}) };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** RentalTenantPostMessage (post) or RentalTenantPutMessage checks, as Buildium's 400 Errors[{Key, Value}]. */
function tenantMessageErrors(body: unknown, post: boolean): Array<{ Key: string; Value: string }> {
  if (!isJsonObject(body)) return [{ Key: '', Value: 'The request body must be a JSON object.' }];
  const errors: Array<{ Key: string; Value: string }> = [];
  const need = (key: string, ok: boolean, value: string) => void (ok || errors.push({ Key: key, Value: value }));
  const name = (key: string) =>
    need(
      key,
      typeof body[key] === 'string' && body[key].trim() !== '' && body[key].length <= 127,
      `${key} is required (at most 127 characters).`,
    );
  if (post) need('LeaseId', Number.isInteger(body.LeaseId), 'LeaseId is required.');
  name('FirstName');
  name('LastName');
  for (const key of ['Email', 'AlternateEmail'])
    if (body[key] !== undefined && body[key] !== null)
      need(key, typeof body[key] === 'string' && EMAIL.test(body[key]), `${key} must be a valid email address.`);
  if (body.DateOfBirth !== undefined && body.DateOfBirth !== null)
    need(
      'DateOfBirth',
      typeof body.DateOfBirth === 'string' && /^\d{4}-\d{2}-\d{2}/.test(body.DateOfBirth),
      'DateOfBirth must be a date.',
    );
  for (const [key, required] of [
    ['Address', true],
    ['AlternateAddress', false],
  ] as const) {
    const address = body[key];
    if (address === undefined || address === null) {
      need(key, !required, `${key} is required.`);
      continue;
    }
    if (!isJsonObject(address)) {
      errors.push({ Key: key, Value: `${key} must be an object.` });
      continue;
    }
    need(
      `${key}.AddressLine1`,
      typeof address.AddressLine1 === 'string' && address.AddressLine1 !== '',
      'AddressLine1 is required.',
    );
    // Country is an enum of names without spaces (UnitedStates, Canada, …).
    need(
      `${key}.Country`,
      typeof address.Country === 'string' && /^[A-Z][A-Za-z]+$/.test(address.Country),
      'Country is required and must be a Country value.',
    );
  }
  if (body.PhoneNumbers !== undefined && body.PhoneNumbers !== null)
    need(
      'PhoneNumbers',
      isJsonObject(body.PhoneNumbers) && Object.keys(body.PhoneNumbers).every((k) => k in PHONE_READ_TYPE),
      'PhoneNumbers must be {Home, Work, Mobile, Fax}.',
    );
  return errors;
}

function defaults(collection: Collection): Rec {
  switch (collection) {
    case 'leases':
      return { Tenants: [], MoveOutData: [], Cosigners: [], CreatedDateTime: isoSeconds(Date.now()) };
    case 'tenants':
      return { PhoneNumbers: [], CreatedDateTime: isoSeconds(Date.now()) };
    default:
      return {};
  }
}

/** Runs the simulator as its own HTTP server (tests, benchmarks). */
export const startBuildiumSandboxServer = (options: BuildiumSandboxOptions & ServeOptions = {}) =>
  startSandboxServer(createBuildiumSandbox, options);
