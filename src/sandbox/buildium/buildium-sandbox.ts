import type { IncomingMessage, ServerResponse } from 'node:http';
import { isoTimeOrNull, type LinkChange, relinkedLeases, simulatorState } from '../kit/control-api';
import { type DeniedCollections, isDenied } from '../kit/denied-collections';
import { applyChanges, editEvenly, raisedRent, withRound } from '../kit/record-edits';
import { BodyError, readJson, sendJson, type ServeOptions, startSandboxServer } from '../kit/sandbox-http';
import {
  ChangeClock,
  RecordIndexes,
  type SimulatedVendor,
  VendorSimulator,
  type WriteResult,
} from '../kit/vendor-simulator';
import { type BuildiumData, type BuildiumDatasetOptions, generateBuildiumData, SEEDED_AT } from './buildium-dataset';
import {
  BLANKED_ON_PUT,
  type FieldError,
  leaseMessageErrors,
  leaseStatus,
  overlaps,
  propertyMessageErrors,
  rentalRecord,
  tenantMessageErrors,
  tenantRecord,
  unitMessageErrors,
} from './buildium-messages';

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
    if (req.method !== 'GET' && !(writing && route.collection in WRITE_PATHS))
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
    if (writing) return this.recordWrite(req, res, url, route.collection as WritableCollection, route.match![1]);
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
   * POST of a Post message (201 with the record as read) and PUT of a Put message (200) for tenants
   * (/v1/leases/tenants), leases (/v1/leases), rentals (/v1/rentals) and units (/v1/rentals/units): 415 without
   * a JSON content type, 400 for a malformed body (Errors[].Key the field path), 404 for an unknown record on a
   * PUT, 422 for an unknown referenced id. A PUT replaces the whole record: optional fields left out are blanked.
   * Every write is counted in `writes`, and may meet injected faults, `afterApply` ones after it is applied.
   */
  private async recordWrite(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    collection: WritableCollection,
    id: string | undefined,
  ) {
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
    const path = WRITE_PATHS[collection]!;
    const operation = post ? `POST ${path}` : `PUT ${path}/{id}`;
    const reject = (status: number, error: Rec): WriteResult => ({
      outcome: 'rejected',
      respond: () => sendJson(res, status, error),
    });
    await this.servedWrite(
      url.pathname,
      operation,
      (failing) => sendJson(res, failing.status, apiError('Injected fault', 'InjectedFault'), failing.headers),
      (): WriteResult => {
        const errors = MESSAGE_ERRORS[collection](body, post);
        if (errors.length > 0) return reject(400, apiError('The request has validation errors.', 'BadRequest', errors));
        const current = post ? undefined : this.index(collection).get(Number(id));
        if (!post && !current) return reject(404, apiError(`${collection} ${id} was not found.`, 'NotFound'));
        const unusable = this.unusable(collection, body as Rec, current);
        if (unusable.length > 0)
          return reject(422, apiError('The request could not be processed.', 'UnprocessableEntity', unusable));
        const record = this.applyWrite(collection, body as Rec, current);
        const status = post ? 201 : 200;
        return { outcome: 'applied', respond: () => sendJson(res, status, this.view(collection, record)) };
      },
      req.method,
    );
  }

  /** A well-formed message Buildium still cannot use (its 422): ids it does not have, a lease overlapping another. */
  private unusable(collection: WritableCollection, message: Rec, current: Rec | undefined): FieldError[] {
    const errors: FieldError[] = [];
    const known = (key: string, ids: Iterable<number>, value: number | undefined, what: string) => {
      if (value !== undefined && value !== null && ![...ids].includes(Number(value)))
        errors.push({ Key: key, Value: `${what} ${value} does not exist.` });
    };
    const exists = (c: Collection) => this.index(c).keys();
    if (collection === 'tenants' && !current) known('LeaseId', exists('leases'), message.LeaseId, 'Lease');
    if (collection === 'units' && !current) known('PropertyId', exists('rentals'), message.PropertyId, 'Rental');
    if (collection === 'rentals')
      known('OperatingBankAccountId', BUILDIUM_SANDBOX_BANK_ACCOUNTS, message.OperatingBankAccountId, 'Bank account');
    if (collection === 'units') {
      const propertyId = current?.PropertyId ?? message.PropertyId;
      const taken = this.store.units.some(
        (u) => u !== current && u.PropertyId === Number(propertyId) && u.UnitNumber === message.UnitNumber,
      );
      if (taken)
        errors.push({ Key: 'UnitNumber', Value: 'The unit number must be unique within the rental property.' });
    }
    if (collection === 'leases') {
      known('UnitId', exists('units'), message.UnitId, 'Unit');
      for (const [i, tenantId] of ((message.TenantIds as number[] | undefined) ?? []).entries())
        known(`TenantIds[${i}]`, exists('tenants'), tenantId, 'Tenant');
      for (const [i, charge] of ((message.Rent?.Charges as Rec[] | undefined) ?? []).entries())
        known(`Rent.Charges[${i}].GlAccountId`, BUILDIUM_SANDBOX_GL_ACCOUNTS, charge.GlAccountId, 'GL account');
      const range = { from: message.LeaseFromDate, to: message.LeaseToDate };
      const moved =
        !current ||
        current.UnitId !== message.UnitId ||
        current.LeaseFromDate !== message.LeaseFromDate ||
        (current.LeaseToDate ?? null) !== (message.LeaseToDate ?? null);
      const clash = this.store.leases.find(
        (l) =>
          moved &&
          l !== current &&
          l.UnitId === message.UnitId &&
          overlaps(range, { from: l.LeaseFromDate, to: l.LeaseToDate }),
      );
      if (clash && errors.length === 0)
        errors.push({ Key: 'LeaseFromDate', Value: `The lease overlaps lease ${clash.Id} on this unit.` });
    }
    return errors;
  }

  /** Applies a checked write: a new record from a Post message, or the whole record replaced by a Put message. */
  private applyWrite(collection: WritableCollection, message: Rec, current: Rec | undefined): Rec {
    switch (collection) {
      case 'tenants':
        return current
          ? this.update('tenants', current, { ...BLANKED_ON_PUT.tenants, ...tenantRecord(message) })
          : this.create('tenants', tenantRecord(message));
      case 'rentals': {
        if (current) {
          const changes = { ...BLANKED_ON_PUT.rentals, ...rentalRecord(message) };
          // The manager named by id stays the staff member Buildium has (its name and contacts), unless changed.
          if (current.RentalManager?.Id === message.PropertyManagerId) changes.RentalManager = current.RentalManager;
          return this.update('rentals', current, changes);
        }
        const units: Rec[] = Array.isArray(message.Units) && message.Units.length > 0 ? message.Units : [];
        const rental = this.create('rentals', { ...rentalRecord(message), IsActive: true, NumberUnits: 0 });
        // With no Units[], Buildium creates one default unit at the property's address (its number modelled: "1").
        for (const unit of units.length > 0 ? units : [{ UnitNumber: '1', Address: message.Address }])
          this.createUnit({ ...unit, PropertyId: rental.Id });
        return rental;
      }
      case 'units':
        return current
          ? this.update('units', current, { ...BLANKED_ON_PUT.units, ...message, PropertyId: current.PropertyId })
          : this.createUnit(message);
      case 'leases':
        return current ? this.updateLease(current, message) : this.createLease(message);
    }
  }

  private createUnit(message: Rec): Rec {
    const unit = this.create('units', { ...message, IsUnitListed: false, IsUnitOccupied: false });
    const rental = this.index('rentals').get(unit.PropertyId);
    if (rental) this.update('rentals', rental, { NumberUnits: (rental.NumberUnits ?? 0) + 1 });
    return unit;
  }

  /** A lease on its unit, with its existing (TenantIds) and new (Tenants[]) tenants, its rent and its status. */
  private createLease(message: Rec): Rec {
    const unit = this.index('units').get(message.UnitId)!;
    const status = leaseStatus(message.LeaseFromDate, message.LeaseToDate);
    const tenantStatus = status === 'Future' ? 'Future' : status === 'Past' ? 'MovedOut' : 'Current';
    const charges: Rec[] = message.Rent?.Charges ?? [];
    const lease = this.create('leases', {
      PropertyId: unit.PropertyId,
      UnitId: unit.Id,
      UnitNumber: unit.UnitNumber,
      LeaseFromDate: message.LeaseFromDate,
      LeaseToDate: message.LeaseToDate ?? undefined,
      LeaseType: message.LeaseType,
      LeaseStatus: status,
      IsEvictionPending: false,
      TermType: message.LeaseType === 'AtWill' ? 'MonthToMonth' : 'Standard',
      RenewalOfferStatus: 'NotSet',
      AccountDetails: {
        SecurityDeposit: Number(message.SecurityDeposit?.Amount ?? 0),
        Rent: Math.round(charges.reduce((sum, c) => sum + Number(c.Amount), 0) * 100) / 100,
      },
      AutomaticallyMoveOutTenants: false,
      ...(charges[0] ? { PaymentDueDay: Number(String(charges[0].NextDueDate).slice(8, 10)) } : {}),
      Tenants: ((message.TenantIds as number[] | undefined) ?? []).map((tenantId) => ({
        Id: tenantId,
        Status: tenantStatus,
        MoveInDate: message.LeaseFromDate,
      })),
    });
    this.changed();
    for (const tenant of (message.Tenants as Rec[] | undefined) ?? [])
      this.create('tenants', { ...tenantRecord(tenant), LeaseId: lease.Id });
    lease.CurrentNumberOfOccupants = lease.Tenants.length;
    if (status === 'Active') this.update('units', unit, { IsUnitOccupied: true });
    return lease;
  }

  /** A LeasePutMessage: type, unit, dates and flags replaced; the status follows the dates; rent and tenants stay. */
  private updateLease(lease: Rec, message: Rec): Rec {
    const unit = this.index('units').get(message.UnitId)!;
    return this.update('leases', lease, {
      ...BLANKED_ON_PUT.leases,
      ...message,
      PropertyId: unit.PropertyId,
      UnitNumber: unit.UnitNumber,
      LeaseStatus: leaseStatus(message.LeaseFromDate, message.LeaseToDate),
      TermType: message.LeaseType === 'AtWill' ? 'MonthToMonth' : 'Standard',
    });
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

/** Collections this simulator takes writes for, with each one's path as the operation names it. */
const WRITE_PATHS: Partial<Record<Collection, string>> = {
  tenants: '/v1/leases/tenants',
  leases: '/v1/leases',
  rentals: '/v1/rentals',
  units: '/v1/rentals/units',
};
type WritableCollection = 'tenants' | 'leases' | 'rentals' | 'units';

/** The 400 checks of each collection's Post (post = true) or Put message. */
const MESSAGE_ERRORS: Record<WritableCollection, (body: unknown, post: boolean) => FieldError[]> = {
  tenants: tenantMessageErrors,
  leases: leaseMessageErrors,
  rentals: propertyMessageErrors,
  units: unitMessageErrors,
};

/** Bank accounts a property may use (modelled: OperatingBankAccountId 1–5; another id is a 422). */
export const BUILDIUM_SANDBOX_BANK_ACCOUNTS = [1, 2, 3, 4, 5];
/** General-ledger accounts a lease rent charge may post to (modelled; another id is a 422). */
export const BUILDIUM_SANDBOX_GL_ACCOUNTS = [4000, 4010, 4100];

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
