import type { IncomingMessage, ServerResponse } from 'node:http';
import { isoTimeOrNull, type LinkChange, relinkedLeases, simulatorState } from '../kit/control-api';
import { type DeniedCollections, isDenied } from '../kit/denied-collections';
import type { Fault } from '../kit/fault-injector';
import { applyChanges, editEvenly, raisedRent, withRound } from '../kit/record-edits';
import { BodyError, readJson, sendJson, type ServeOptions, startSandboxServer } from '../kit/sandbox-http';
import {
  ChangeClock,
  RecordIndexes,
  type SimulatedVendor,
  VendorSimulator,
  type WriteResult,
} from '../kit/vendor-simulator';
import {
  type BuildiumData,
  type BuildiumDatasetOptions,
  generateBuildiumData,
  ID_BASE,
  SEEDED_AT,
} from './buildium-dataset';
import {
  cents,
  firstFreeTransactionId,
  GL_ACCOUNTS,
  LEDGER_ID_BASE,
  type LedgerSource,
  ledgerSources,
  leaseTransaction,
  sourcedLedger,
  STAFF_USER_IDS,
  TASK_CATEGORIES,
  taskCategory,
  taskRecord,
  VENDOR_IDS,
  WORK_ORDER_FIELDS_BLANKED,
  workOrderView,
} from './buildium-ledger-dataset';
import {
  BLANKED_ON_PUT,
  chargeMessageErrors,
  type FieldError,
  leaseMessageErrors,
  leaseStatus,
  overlaps,
  paymentMessageErrors,
  propertyMessageErrors,
  rentalRecord,
  tenantMessageErrors,
  TASK_PRIORITIES,
  TASK_STATUSES,
  taskMessageErrors,
  tenantRecord,
  unitMessageErrors,
  workOrderMessageErrors,
} from './buildium-messages';
import { inWindow, QueryReader } from './buildium-queries';

type Rec = Record<string, any>;
type Collection = keyof BuildiumData;

export interface BuildiumSandboxOptions extends BuildiumDatasetOptions {
  /** Accepted `x-buildium-client-id` / `x-buildium-client-secret` pairs; a denied collection answers 403. */
  credentials?: Array<{ clientId: string; secret: string; readOnly?: boolean } & DeniedCollections<Collection>>;
  /** Answer 429 beyond this many requests in any second (Buildium: about 10). Unlimited when absent. */
  requestsPerSecond?: number;
}

export interface BuildiumSandbox extends SimulatedVendor<BuildiumData, BuildiumSandboxOptions> {
  /** Each lease's ledger totals and what each tenant paid, in integer cents (GET /_control/ledgers/balances). */
  balances(): LedgerBalances;
  /** The update messages (ResidentRequestTaskPutMessage.Message) a task received, oldest first. */
  taskUpdateMessages(taskId: number): string[];
}

export interface LedgerTotals {
  charges_in_cents: number;
  payments_in_cents: number;
  reversals_in_cents: number;
  balance_in_cents: number;
}

export interface LedgerBalances {
  leases: Record<string, LedgerTotals>;
  tenants: Record<string, { paid_in_cents: number }>;
}

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

/**
 * Routes of the vendor API: path pattern -> collection. A lease ledger's routes carry the lease id first;
 * `posting` marks POST /v1/leases/{leaseId}/charges and /payments, `categories` GET /v1/tasks/categories.
 */
const ROUTES: Array<{ pattern: RegExp; collection: Collection; posting?: true; categories?: true }> = [
  { pattern: /^\/v1\/leases\/(\d+)\/transactions(?:\/(\d+))?\/?$/, collection: 'transactions' },
  { pattern: /^\/v1\/leases\/(\d+)\/(charges|payments)\/?$/, collection: 'transactions', posting: true },
  { pattern: /^\/v1\/tasks\/residentrequests(?:\/(\d+))?\/?$/, collection: 'tasks' },
  { pattern: /^\/v1\/tasks\/categories\/?$/, collection: 'tasks', categories: true },
  { pattern: /^\/v1\/workorders(?:\/(\d+))?\/?$/, collection: 'workorders' },
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
  private ledgers: Map<number, Rec[]> | null = null;
  /** With `every-lease` ledgers: what each begun lease's ledger is generated from, by lease id (null otherwise). */
  private sources: Map<number, LedgerSource> | null = null;
  /** Ledgers generated (and merged with written transactions) lately, newest last: a sync reads each a few times. */
  private readonly recentLedgers = new Map<number, Rec[]>();
  /** The update messages (ResidentRequestTaskPutMessage.Message) each task received, oldest first. */
  private readonly taskMessages = new Map<number, string[]>();
  private readonly indexes = new RecordIndexes<BuildiumData>(
    () => this.store,
    () => 'Id',
  );

  protected generate(options: BuildiumSandboxOptions): BuildiumData {
    return generateBuildiumData(options);
  }

  protected override onReset(): void {
    this.clock = new ChangeClock(SEEDED_AT);
    this.taskMessages.clear();
    this.sources = this.options.ledgers === 'every-lease' ? ledgerSources(this.store.leases) : null;
    this.changed();
  }

  protected control() {
    return {
      mutateKinds: ['tenants', 'leases', 'units', 'rentals', 'tasks', 'charges', 'payments'],
      actions: { 'GET ledgers/balances': () => this.balances() },
    };
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
    const writable = route.posting ? req.method === 'POST' : !route.categories && route.collection in WRITE_PATHS;
    if (req.method !== 'GET' ? !(writing && writable) : route.posting)
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
    if (writing) {
      const collection = (route.posting ? route.match![2] : route.collection) as WritableCollection;
      return this.recordWrite(req, res, url, collection, route.match![1]);
    }
    const faults = await this.served(url.pathname, (failing) =>
      sendJson(res, failing.status, apiError('Injected fault', 'InjectedFault'), failing.headers),
    );
    if (!faults) return;

    if (route.collection === 'transactions') return this.serveLedger(res, url, route.match!, faults);
    if (route.categories) return this.serveTaskList(res, url, 'categories', faults);
    if ((route.collection === 'tasks' || route.collection === 'workorders') && route.match![1] === undefined)
      return this.serveTaskList(res, url, route.collection, faults);
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
    const ledger = collection === 'charges' || collection === 'payments';
    if (!ledger && post === (id !== undefined))
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
    const path = WRITE_PATHS[collection];
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
        const lease = ledger ? this.index('leases').get(Number(id)) : undefined;
        if (ledger && !lease) return reject(404, apiError(`Lease ${id} was not found.`, 'NotFound'));
        const current = post ? undefined : this.index(collection as Collection).get(Number(id));
        if (!post && !current) return reject(404, apiError(`${collection} ${id} was not found.`, 'NotFound'));
        const unusable = this.unusable(collection, body as Rec, current ?? lease);
        if (unusable.length > 0)
          return reject(422, apiError('The request could not be processed.', 'UnprocessableEntity', unusable));
        const record = this.applyWrite(collection, body as Rec, current ?? lease);
        const status = post ? 201 : 200;
        // A charge answers an array of LeaseTransactionMessage, a payment one (buildium-openapi.json).
        const answer = collection === 'charges' ? [record] : this.view(ledger ? 'transactions' : collection, record);
        return { outcome: 'applied', respond: () => sendJson(res, status, answer) };
      },
      req.method,
    );
  }

  /**
   * A well-formed message Buildium still cannot use (its 422): ids it does not have, a lease overlapping another.
   * `current` is the record a PUT replaces, or the lease a charge or payment posts to.
   */
  private unusable(collection: WritableCollection, message: Rec, current: Rec | undefined): FieldError[] {
    const errors: FieldError[] = [];
    const known = (key: string, ids: Iterable<number>, value: number | undefined, what: string) => {
      if (value !== undefined && value !== null && ![...ids].includes(Number(value)))
        errors.push({ Key: key, Value: `${what} ${value} does not exist.` });
    };
    const exists = (c: Collection) => this.index(c).keys();
    const glAccounts = Object.keys(GL_ACCOUNTS).map(Number);
    if (collection === 'tasks') {
      known('AssignedToUserId', STAFF_USER_IDS, message.AssignedToUserId, 'Staff user');
      known(
        'CategoryId',
        TASK_CATEGORIES.map((c) => c.Id),
        message.CategoryId,
        'Task category',
      );
      const subs: Rec[] = TASK_CATEGORIES.find((c) => c.Id === message.CategoryId)?.SubCategories ?? [];
      known(
        'SubCategoryId',
        subs.map((c) => c.Id),
        message.SubCategoryId,
        'Subcategory of the category',
      );
      if (!current) {
        const lease = this.index('leases').get(Number(message.UnitAgreementId));
        known('UnitAgreementId', exists('leases'), message.UnitAgreementId, 'Lease');
        if (lease && !lease.Tenants.some((t: Rec) => t.Id === message.RequestedByEntityId))
          errors.push({
            Key: 'RequestedByEntityId',
            Value: `Tenant ${message.RequestedByEntityId} is not on the lease.`,
          });
      }
    }
    if (collection === 'workorders') {
      known('VendorId', VENDOR_IDS, message.VendorId, 'Vendor');
      if (!current) known('TaskId', exists('tasks'), message.TaskId, 'Resident request');
      if (!current && message.TaskId == null)
        errors.push({
          Key: 'Task',
          Value: 'This simulator links a work order to an existing resident request (TaskId).',
        });
    }
    if (collection === 'charges' || collection === 'payments') {
      for (const [i, line] of (message.Lines as Rec[]).entries())
        known(`Lines[${i}].GLAccountId`, glAccounts, line.GLAccountId, 'GL account');
      if (message.BillId != null) known('BillId', [], message.BillId, 'Bill');
      if (message.PayeeUserId != null && !current!.Tenants.some((t: Rec) => t.Id === message.PayeeUserId))
        errors.push({ Key: 'PayeeUserId', Value: `Tenant ${message.PayeeUserId} is not on lease ${current!.Id}.` });
    }
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
      case 'tasks':
        return current ? this.updateTask(current, message) : this.createTask(message);
      case 'workorders': {
        const { Task: _task, ...fields } = message;
        return current
          ? this.update('workorders', current, { ...WORK_ORDER_FIELDS_BLANKED, ...fields, TaskId: current.TaskId })
          : this.create('workorders', fields);
      }
      case 'charges':
      case 'payments':
        return this.postTransaction(current!, collection, message);
    }
  }

  /** A ResidentRequestTaskPostMessage as the new task on its lease, unit and requesting tenant. */
  private createTask(message: Rec): Rec {
    const lease = this.index('leases').get(message.UnitAgreementId)!;
    const tenant = this.index('tenants').get(message.RequestedByEntityId) ?? { Id: message.RequestedByEntityId };
    const task = taskRecord(0, lease, this.index('units').get(lease.UnitId), tenant, message);
    return this.create('tasks', { ...task, CreatedDateTime: isoSeconds(Date.now()) });
  }

  /** A ResidentRequestTaskPutMessage replaces what it names; what it leaves out is blanked; Message is kept apart. */
  private updateTask(task: Rec, message: Rec): Rec {
    if (typeof message.Message === 'string' && message.Message !== '')
      this.taskMessages.set(task.Id, [...(this.taskMessages.get(task.Id) ?? []), message.Message]);
    return this.update('tasks', task, {
      Title: message.Title,
      Category: taskCategory(message.CategoryId, message.SubCategoryId) ?? null,
      AssignedToUserId: message.AssignedToUserId ?? null,
      TaskStatus: message.TaskStatus,
      Priority: message.Priority,
      DueDate: message.DueDate ?? null,
    });
  }

  /** A LeaseChargePostMessage or LeaseLedgerPaymentPostMessage as the new LeaseTransactionMessage of its lease. */
  private postTransaction(lease: Rec, kind: 'charges' | 'payments', message: Rec): Rec {
    const lines = (message.Lines as Rec[]).map((l) => ({
      cents: cents(l.Amount),
      gl: l.GLAccountId,
      reference: kind === 'payments' ? (message.ReferenceNumber ?? undefined) : (l.ReferenceNumber ?? undefined),
    }));
    const date = message.Date ?? new Date().toISOString().slice(0, 10);
    if (kind === 'charges')
      return this.create('transactions', leaseTransaction(0, lease, 'Charge', date, message.Memo, lines));
    const extra = {
      PaymentMethod: message.PaymentMethod,
      PayeeTenantId: message.PayeeUserId ?? undefined,
      CheckNumber: message.PaymentMethod === 'Check' ? (message.ReferenceNumber ?? undefined) : undefined,
    };
    return this.create('transactions', leaseTransaction(0, lease, 'Payment', date, message.Memo, lines, extra));
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
    if (collection === 'workorders') return workOrderView(record, this.index('tasks').get(record.TaskId));
    return record;
  }

  // ---- resident requests, work orders and lease ledgers (buildium.md: service requests, charges, payments) ----

  /**
   * GET /v1/leases/{leaseId}/transactions[/{id}]: one lease's ledger by Date then Id, offset/limit with
   * X-Total-Count, `transactiondatefrom`/`transactiondateto` (dates, inclusive) and repeated `transactiontypes`.
   * There is no last-updated filter. An unknown lease, or a transaction of another lease, is a 404.
   */
  private serveLedger(res: ServerResponse, url: URL, match: RegExpExecArray, faults: Fault[]): void {
    const lease = this.index('leases').get(Number(match[1]));
    const ledger = lease ? this.ledgerOf(lease.Id) : [];
    if (match[2] !== undefined) {
      const transaction = ledger.find((t) => t.Id === Number(match[2]));
      if (!transaction) return sendJson(res, 404, apiError(`Transaction ${match[2]} was not found.`, 'NotFound'));
      return this.sendRecord(res, transaction, faults, 'Id');
    }
    const q = new QueryReader(url.searchParams);
    const page = q.page();
    const from = q.day('transactiondatefrom');
    const to = q.day('transactiondateto');
    const types = q.list('transactiontypes', TRANSACTION_TYPES);
    if (q.errors.length > 0)
      return sendJson(res, 400, apiError('The request has invalid parameters.', 'BadRequest', q.errors));
    if (!lease) return sendJson(res, 404, apiError(`Lease ${match[1]} was not found.`, 'NotFound'));
    const matching = ledger.filter(
      (t) => (types.size === 0 || types.has(t.TransactionTypeEnum)) && inWindow(t.Date, from, to),
    );
    this.sendOffsetPage(res, matching, page, (t) => t, faults, 'Id');
  }

  /**
   * GET /v1/tasks/residentrequests, /v1/workorders and /v1/tasks/categories with offset/limit. Requests and work
   * orders filter by `lastupdatedfrom`/`lastupdatedto` (dates, not date-times: the whole day, UTC), `statuses`,
   * `priorities`, `unitid`, `unitagreementid`, `assignedtoid`, `duedatefrom`/`duedateto`, `entitytype=Rental` with
   * `entityid`; requests also by `taskcategoryid` and `tasktitle`; work orders by `type`, `taskids` and `vendorids`.
   */
  private serveTaskList(
    res: ServerResponse,
    url: URL,
    list: 'tasks' | 'workorders' | 'categories',
    faults: Fault[],
  ): void {
    const q = new QueryReader(url.searchParams);
    const page = q.page();
    if (list === 'categories') {
      if (q.errors.length > 0)
        return sendJson(res, 400, apiError('The request has invalid parameters.', 'BadRequest', q.errors));
      return this.sendOffsetPage(res, TASK_CATEGORIES, page, (c) => c, faults, 'Id');
    }
    const filter = {
      changedFrom: q.day('lastupdatedfrom'),
      changedTo: q.day('lastupdatedto'),
      dueFrom: q.day('duedatefrom'),
      dueTo: q.day('duedateto'),
      statuses: q.list('statuses', TASK_STATUSES),
      priorities: q.list('priorities', TASK_PRIORITIES),
      entityType: q.list('entitytype', ['Rental', 'RentalOwner', 'Association']),
      entityId: q.int('entityid'),
      unitId: q.int('unitid'),
      leaseId: q.int('unitagreementid'),
      assignedTo: q.int('assignedtoid'),
      categoryId: q.int('taskcategoryid'),
      title: q.text(list === 'tasks' ? 'tasktitle' : 'title')?.toLowerCase(),
      types: q.list('type', ['ContactRequest', 'ResidentRequest', 'Todo', 'RentalOwnerRequest']),
      taskIds: q.intList('taskids'),
      vendorIds: q.intList('vendorids'),
    };
    if (q.errors.length > 0)
      return sendJson(res, 400, apiError('The request has invalid parameters.', 'BadRequest', q.errors));
    const tasks = this.index('tasks');
    const matching = this.store[list].filter((record) => {
      const task = list === 'tasks' ? record : tasks.get(record.TaskId);
      if (!task) return false;
      const changed = list === 'tasks' ? Date.parse(task.LastUpdatedDateTime) : this.changedAt(record);
      const onlyOthers = filter.entityType.size > 0 && !filter.entityType.has('Rental');
      return (
        inWindow(changed, filter.changedFrom, filter.changedTo) &&
        inWindow(task.DueDate, filter.dueFrom, filter.dueTo) &&
        (filter.statuses.size === 0 || filter.statuses.has(task.TaskStatus)) &&
        (filter.priorities.size === 0 || filter.priorities.has(task.Priority)) &&
        !onlyOthers &&
        (filter.entityId === undefined || task.Property?.Id === filter.entityId) &&
        (filter.unitId === undefined || task.UnitId === filter.unitId) &&
        (filter.leaseId === undefined || task.UnitAgreement?.Id === filter.leaseId) &&
        (filter.assignedTo === undefined || task.AssignedToUserId === filter.assignedTo) &&
        (filter.categoryId === undefined || task.Category?.Id === filter.categoryId) &&
        (filter.title === undefined || String(task.Title).toLowerCase().includes(filter.title)) &&
        (list === 'tasks' ||
          ((filter.types.size === 0 || filter.types.has('ResidentRequest')) &&
            (filter.taskIds.size === 0 || filter.taskIds.has(record.TaskId)) &&
            (filter.vendorIds.size === 0 || filter.vendorIds.has(record.VendorId))))
      );
    });
    this.sendOffsetPage(res, matching, page, (r) => this.view(list, r), faults, 'Id');
  }

  /** The update messages a task received through PUT (`Message`), oldest first: Buildium keeps them as its history. */
  taskUpdateMessages(taskId: number): string[] {
    return [...(this.taskMessages.get(taskId) ?? [])];
  }

  /**
   * Each lease's ledger totals in integer cents (GET /_control/ledgers/balances): charges, payments (Payment and
   * ElectronicFundsTransfer), reversals (ReversePayment) and the balance owed = charges − payments + reversals;
   * and what each tenant paid (PayeeTenantId), net of reversals. Lines are added in cents, never in dollars.
   */
  balances(): LedgerBalances {
    const leases: Record<string, LedgerTotals> = {};
    const tenants: Record<string, { paid_in_cents: number }> = {};
    for (const t of this.allTransactions()) {
      const amount = (t.Journal?.Lines ?? []).reduce((sum: number, l: Rec) => sum + cents(l.Amount), 0);
      const totals = (leases[t.LeaseId] ??= {
        charges_in_cents: 0,
        payments_in_cents: 0,
        reversals_in_cents: 0,
        balance_in_cents: 0,
      });
      const kind = LEDGER_EFFECT[t.TransactionTypeEnum];
      if (!kind) continue;
      totals[kind] += amount;
      totals.balance_in_cents += kind === 'payments_in_cents' ? -amount : amount;
      if (kind !== 'charges_in_cents' && t.PayeeTenantId != null)
        (tenants[t.PayeeTenantId] ??= { paid_in_cents: 0 }).paid_in_cents +=
          kind === 'payments_in_cents' ? amount : -amount;
    }
    return { leases, tenants };
  }

  /** Every transaction: the stored ones, and with `every-lease` ledgers each begun lease's generated one. */
  private *allTransactions(): Iterable<Rec> {
    yield* this.store.transactions;
    for (const source of this.sources?.values() ?? []) yield* sourcedLedger(source, this.seed());
  }

  private seed(): number {
    return this.options.seed ?? 1;
  }

  /** A lease's ledger by Date then Id: its written transactions, and its generated ones with `every-lease` ledgers. */
  private ledgerOf(leaseId: number): Rec[] {
    const source = this.sources?.get(leaseId);
    if (!source) return this.storedLedgerOf(leaseId);
    let ledger = this.recentLedgers.get(leaseId);
    if (ledger) this.recentLedgers.delete(leaseId);
    else ledger = [...sourcedLedger(source, this.seed()), ...this.storedLedgerOf(leaseId)].sort(byDateThenId);
    this.recentLedgers.set(leaseId, ledger);
    if (this.recentLedgers.size > RECENT_LEDGERS) this.recentLedgers.delete(this.recentLedgers.keys().next().value!);
    return ledger;
  }

  private storedLedgerOf(leaseId: number): Rec[] {
    if (!this.ledgers) {
      this.ledgers = new Map();
      for (const t of this.store.transactions) {
        const list = this.ledgers.get(t.LeaseId);
        if (list) list.push(t);
        else this.ledgers.set(t.LeaseId, [t]);
      }
      for (const list of this.ledgers.values()) list.sort(byDateThenId);
    }
    return this.ledgers.get(leaseId) ?? [];
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
    const today = () => new Date().toISOString().slice(0, 10);
    const rentLine = (lease: Rec) => [{ Amount: lease.AccountDetails?.Rent ?? 1000, GLAccountId: 4000 }];
    const recordsOf = (kind: MutateKind): Rec[] =>
      kind === 'charges' || kind === 'payments'
        ? this.store.leases.filter((l) => l.LeaseStatus === 'Active')
        : this.store[kind];
    return editEvenly<MutateKind>(counts, recordsOf, {
      // A new rent charge, a rent payment by check from the lease's first tenant, a task's next status.
      charges: (lease) =>
        this.postTransaction(lease, 'charges', { Date: today(), Memo: `Rent (${round})`, Lines: rentLine(lease) }),
      payments: (lease) =>
        this.postTransaction(lease, 'payments', {
          Date: today(),
          PaymentMethod: 'Check',
          PayeeUserId: lease.Tenants[0]?.Id,
          ReferenceNumber: String(round),
          Memo: `Rent payment (${round})`,
          Lines: rentLine(lease),
        }),
      tasks: (task) => this.update('tasks', task, { TaskStatus: NEXT_TASK_STATUS[task.TaskStatus] }),
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
    // With `every-lease` ledgers, written transactions take ids after every generated one's.
    const first = collection === 'transactions' && this.sources ? firstFreeTransactionId(this.sources) : undefined;
    const nextId = (records.length ? records[records.length - 1].Id : (first ?? FIRST_IDS[collection])) + 1;
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
    if (collection === 'transactions') this.forgetLedgers();
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
    if (collection === 'tasks') record.LastUpdatedDateTime = isoSeconds(now);
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
    this.forgetLedgers();
    this.indexes.forget();
  }

  private forgetLedgers(): void {
    this.ledgers = null;
    this.recentLedgers.clear();
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
const WRITE_PATHS: Record<WritableCollection, string> = {
  tenants: '/v1/leases/tenants',
  leases: '/v1/leases',
  rentals: '/v1/rentals',
  units: '/v1/rentals/units',
  tasks: '/v1/tasks/residentrequests',
  workorders: '/v1/workorders',
  charges: '/v1/leases/{leaseId}/charges',
  payments: '/v1/leases/{leaseId}/payments',
};
/** The writable collections, and the two postings of a lease ledger (`transactions`), each its own message. */
type WritableCollection = 'tenants' | 'leases' | 'rentals' | 'units' | 'tasks' | 'workorders' | 'charges' | 'payments';
type MutateKind = Exclude<Collection, 'transactions' | 'workorders'> | 'charges' | 'payments';

/** How many generated ledgers the sandbox keeps at hand (a sync reads a lease's charges, then its payments). */
const RECENT_LEDGERS = 512;
const byDateThenId = (a: Rec, b: Rec) => (a.Date < b.Date ? -1 : a.Date > b.Date ? 1 : a.Id - b.Id);

/** The first id of each collection, less one, when it is empty. */
const FIRST_IDS: Record<Collection, number> = { ...ID_BASE, ...LEDGER_ID_BASE };
/** Every TransactionTypeEnum of LeaseTransactionMessage (the `transactiontypes` filter takes these). */
const TRANSACTION_TYPES: string[] = [
  'Bill',
  'Check',
  'Charge',
  'Payment',
  'Credit',
  'Refund',
  'ApplyDeposit',
  'ElectronicFundsTransfer',
  'Other',
  'Deposit',
  'GeneralJournalEntry',
  'OwnerContribution',
  'ReversePayment',
  'ReverseElectronicFundsTransfer',
  'VendorCredit',
  'RentalApplicationFeePayment',
  'ReverseRentalApplicationFeePayment',
  'ReverseOwnerContribution',
  'VendorRefund',
  'UnreversedPayment',
  'UnreversedElectronicFundsTransfer',
  'UnreversedOwnerContribution',
  'UnreversedRentalApplicationFeePayment',
];
/** How a transaction type moves a lease's balance (types the seeded ledgers and writes make). */
const LEDGER_EFFECT: Record<string, keyof Omit<LedgerTotals, 'balance_in_cents'>> = {
  Charge: 'charges_in_cents',
  Payment: 'payments_in_cents',
  ElectronicFundsTransfer: 'payments_in_cents',
  ReversePayment: 'reversals_in_cents',
  ReverseElectronicFundsTransfer: 'reversals_in_cents',
};
/** What POST /_control/mutate {"tasks": n} moves a task's status to. */
const NEXT_TASK_STATUS: Record<string, string> = {
  New: 'InProgress',
  InProgress: 'Completed',
  Completed: 'Closed',
  Deferred: 'InProgress',
  Closed: 'New',
};

/** The 400 checks of each collection's Post (post = true) or Put message. */
const MESSAGE_ERRORS: Record<WritableCollection, (body: unknown, post: boolean) => FieldError[]> = {
  tenants: tenantMessageErrors,
  leases: leaseMessageErrors,
  rentals: propertyMessageErrors,
  units: unitMessageErrors,
  tasks: taskMessageErrors,
  workorders: workOrderMessageErrors,
  charges: chargeMessageErrors,
  payments: paymentMessageErrors,
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
