import type { IncomingMessage, ServerResponse } from 'node:http';
import { isoTimeOrNull, type LinkChange, relinkedLeases, simulatorState } from '../kit/control-api';
import { type DeniedCollections, isDenied } from '../kit/denied-collections';
import { applyChanges, editEvenly, raisedRent, withRound } from '../kit/record-edits';
import { isJsonObject, readJson, sendJson, type ServeOptions, startSandboxServer } from '../kit/sandbox-http';
import {
  ChangeClock,
  RecordIndexes,
  type SimulatedVendor,
  VendorSimulator,
  type WriteResult,
} from '../kit/vendor-simulator';
import {
  generatePropertywareRestData,
  isoSeconds,
  LEASE_STATUSES,
  type PropertywareRestData,
  type PropertywareRestDatasetOptions,
  SEEDED_AT,
} from './propertyware-rest-dataset';
import {
  type FieldError,
  readFields,
  replaceableFields,
  SAVE_BUILDING,
  SAVE_CHARGE,
  SAVE_CONTACT,
  SAVE_LEASE,
  SAVE_PAYMENT,
  SAVE_UNIT,
  SAVE_WORK_ORDER,
  CLOSE_WORK_ORDER,
  TIME_CARD_ENTRY,
  type SaveSchema,
  UPDATE_BUILDING,
  validateSave,
} from './propertyware-rest-writes';
import { BANK_GL_ACCOUNTS, INCOME_GL_ACCOUNTS } from './propertyware-rest-ledger';
import { allocateOldestFirst, centsOf, dollars } from '../kit/seeded-ledger';

type Rec = Record<string, any>;
type Collection = keyof PropertywareRestData;

export interface PropertywareRestCredentialSet {
  clientId: string;
  clientSecret: string;
  systemId: string;
}

/**
 * Collections a key may read but not write (the entity's `Write` permission missing), and whether its customer
 * joined the beta that BETA write endpoints need: without either, those writes answer 403.
 */
export interface ReadOnlyCollections {
  readOnly?: readonly Collection[];
  beta?: boolean;
}
/** Write endpoints marked (BETA) in the spec. */
const BETA_WRITES = new Set(['PUT /workorders/closeworkorder/{id}', 'POST /leases/charges', 'POST /leases/payments']);

export interface PropertywareRestSandboxOptions extends PropertywareRestDatasetOptions {
  /** Accepted client id / secret / system id triples; a denied collection answers 403. */
  credentials?: Array<PropertywareRestCredentialSet & DeniedCollections<Collection> & ReadOnlyCollections>;
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
  { ...PROPERTYWARE_REST_SANDBOX_CREDENTIALS, beta: true },
  { ...PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS, denied: ['contacts'] },
];

const COLLECTIONS: Collection[] = [
  'portfolios',
  'buildings',
  'units',
  'leases',
  'contacts',
  'workorders',
  'charges',
  'payments',
];
/** The lease ledger, served under /leases/charges and /leases/payments and guarded by the LEASES permission. */
const LEDGER = new Set<Collection>(['charges', 'payments']);
const pathOf = (collection: Collection) => (LEDGER.has(collection) ? `/leases/${collection}` : `/${collection}`);
const permissionOf = (collection: Collection): Collection => (LEDGER.has(collection) ? 'leases' : collection);
const INCOME_ACCOUNTS = new Set<number>(Object.values(INCOME_GL_ACCOUNTS));
const BANK_ACCOUNTS = new Set<number>(BANK_GL_ACCOUNTS);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Collections whose list endpoint hides deactivated records unless includeDeactivated=true. */
const DEACTIVATABLE = new Set<Collection>(['portfolios', 'buildings', 'units']);
const CONTACT_TYPES = ['TENANT', 'PROSPECT', 'OWNER', 'VENDOR', 'OTHER'];
/** The Save/Update schema each write endpoint takes (docs/vendors/propertyware-rest.md, Writes). */
const WRITE_SCHEMAS: Partial<Record<Collection, { POST: SaveSchema; PUT?: SaveSchema }>> = {
  contacts: { POST: SAVE_CONTACT, PUT: SAVE_CONTACT },
  leases: { POST: SAVE_LEASE, PUT: SAVE_LEASE },
  buildings: { POST: SAVE_BUILDING, PUT: UPDATE_BUILDING },
  units: { POST: SAVE_UNIT, PUT: SAVE_UNIT },
  // No general update: the only one is the BETA close (PUT /workorders/closeworkorder/{id}).
  workorders: { POST: SAVE_WORK_ORDER, PUT: CLOSE_WORK_ORDER },
  // Their updates (PUT /leases/charges/{id}, /leases/payments/{id}) are not simulated.
  charges: { POST: SAVE_CHARGE },
  payments: { POST: SAVE_PAYMENT },
};
/** This organisation's lease statuses: a write naming another answers 400 (statuses are configured per organisation). */
const KNOWN_LEASE_STATUSES = new Set<string>(LEASE_STATUSES.map(([status]) => status));
/** Lease statuses of a lease in force (the lease is `active` and its tenants current). */
const isActiveStatus = (status: unknown) =>
  typeof status === 'string' && (status.startsWith('Active') || status === 'Holdover');
const INVALID_PARAMETERS = 'Unable to process the request due to invalid parameters.';
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
    const close = /^\/workorders\/closeworkorder\/(\d+)\/?$/.exec(url.pathname);
    if (close && req.method === 'PUT') return this.write(req, res, url, 'workorders', credential, close[1]);
    const match =
      /^\/leases\/(charges|payments)(?:\/(\d+))?\/?$/.exec(url.pathname) ??
      /^\/([a-z]+)(?:\/(\d+))?\/?$/.exec(url.pathname);
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
    if (req.method === 'POST' || req.method === 'PUT')
      return this.write(req, res, url, collection, credential, match![2]);
    if (req.method !== 'GET')
      return sendJson(
        res,
        405,
        errorResponse('METHOD_NOT_ALLOWED', `${req.method} is not supported by this simulator`),
      );
    if (isDenied(credential, permissionOf(collection))) {
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
    // The ledger has list reads only (no GET /leases/charges/{id} in the spec).
    if (id !== undefined && LEDGER.has(collection))
      return sendJson(res, 404, errorResponse('NOT_FOUND', `No resource at ${url.pathname}.`));
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

  // ---- writes (docs/vendors/propertyware-rest.md, Writes) ----------------------------------------------

  /**
   * POST /<collection> (201 with the new record) and PUT /<collection>/{id} (200 with the record, a full replace:
   * read fields the body leaves out are blanked), after the media type, the key's Write permission, the rate
   * limit and the injected faults; ErrorResponse 400 for what the schema or the account refuses, 404 for an
   * unknown id.
   */
  private async write(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    collection: Collection,
    credential: ReadOnlyCollections,
    id: string | undefined,
  ): Promise<void> {
    const method = req.method as 'POST' | 'PUT';
    const isClose = url.pathname.startsWith('/workorders/closeworkorder/');
    const operation = isClose
      ? 'PUT /workorders/closeworkorder/{id}'
      : `${method} ${pathOf(collection)}${id === undefined ? '' : '/{id}'}`;
    const schema = WRITE_SCHEMAS[collection]?.[method];
    const refuse = (status: number, errorCode: string, userMessage: string) =>
      this.refuseWrite(operation, status === 429 ? 'refused' : 'rejected', () =>
        sendJson(res, status, errorResponse(errorCode, userMessage)),
      );
    if (
      !schema ||
      (method === 'POST') !== (id === undefined) ||
      (collection === 'workorders' && id !== undefined && !isClose)
    )
      return refuse(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname}`);
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? '')))
      return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json.');
    if (BETA_WRITES.has(operation) && !credential.beta)
      return refuse(
        403,
        'FORBIDDEN',
        "Write access is only available to customers who have opted in to our beta program. Please reach out to support if you'd like to be included.",
      );
    if (credential.readOnly?.includes(permissionOf(collection)))
      return refuse(
        403,
        'FORBIDDEN',
        `The supplied credentials don't have the Write permission for the resources at ${url.pathname}.`,
      );
    if (this.overRate(this.options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND))
      return refuse(
        429,
        'TOO_MANY_REQUESTS',
        'Too many requests. Retry after a short interval with an exponential backoff.',
      );
    let body: unknown;
    let unreadable: string | undefined;
    try {
      body = await readJson(req);
    } catch (error) {
      unreadable = (error as Error).message;
    }
    await this.servedWrite(
      url.pathname,
      operation,
      (failing) => sendJson(res, failing.status, errorResponse('INJECTED_FAULT', 'Injected fault'), failing.headers),
      () => this.applyWrite(res, collection, schema, id, unreadable ?? body),
      method,
    );
  }

  private applyWrite(
    res: ServerResponse,
    collection: Collection,
    schema: SaveSchema,
    id: string | undefined,
    body: unknown,
  ): WriteResult {
    const reject = (status: number, errorCode: string, userMessage: string, errors: FieldError[] = []) => ({
      outcome: 'rejected' as const,
      respond: () => sendJson(res, status, errorResponse(errorCode, userMessage, errors)),
    });
    if (!isJsonObject(body))
      return reject(400, 'BAD_REQUEST', typeof body === 'string' ? body : 'The request body must be a JSON object.');
    const existing = id === undefined ? undefined : this.find(collection, id);
    if (id !== undefined && !existing) return reject(404, 'NOT_FOUND', `${collection} ${id} was not found.`);
    const errors = [...validateSave(schema, body), ...this.referenceErrors(collection, body, existing)];
    if (errors.length) return reject(400, 'BAD_REQUEST', INVALID_PARAMETERS, errors);
    const record = existing
      ? this.replace(collection, schema, existing, body)
      : this.createFrom(collection, schema, body);
    return {
      outcome: 'applied',
      // The close answers a ResponseEntity, not the record: the change is seen on the next read.
      respond: () =>
        sendJson(
          res,
          existing ? 200 : 201,
          collection === 'workorders' && existing ? {} : this.view(collection, record),
        ),
    };
  }

  /** What the account refuses in a body the schema accepts: unknown ids, off-list statuses, create-only fields. */
  private referenceErrors(collection: Collection, body: Rec, existing: Rec | undefined): FieldError[] {
    const errors: FieldError[] = [];
    // Ids of the wrong type are reported by the schema check already.
    const missing = (key: string, what: Collection, value: unknown) => {
      if (typeof value === 'number' && Number.isInteger(value) && !this.index(what).has(value))
        errors.push({ key, message: `${what} ${value} was not found` });
    };
    if (collection === 'contacts' && existing && body.category !== undefined)
      errors.push({ key: 'category', message: 'category can only be set when the contact is created' });
    if (collection === 'leases') {
      missing('unitID', 'units', body.unitID);
      for (const tenant of Array.isArray(body.tenantIDs) ? body.tenantIDs : [])
        missing('tenantIDs', 'contacts', tenant);
      if (Array.isArray(body.tenantIDs) && body.tenantIDs.length === 0)
        errors.push({ key: 'tenantIDs', message: 'tenantIDs must name at least one contact' });
      if (
        Array.isArray(body.tenantIDs) &&
        body.primaryContactID !== undefined &&
        !body.tenantIDs.includes(body.primaryContactID)
      )
        errors.push({ key: 'primaryContactID', message: 'primaryContactID must be one of tenantIDs' });
      if (body.status !== undefined && !KNOWN_LEASE_STATUSES.has(body.status))
        errors.push({
          key: 'status',
          message: `status must be one of this organization's lease statuses: ${[...KNOWN_LEASE_STATUSES].join(', ')}`,
        });
      if (!existing)
        for (const key of ['noticeGivenDate', 'reasonForLeaving'])
          if (body[key] !== undefined) errors.push({ key, message: `${key} can only be set on an existing lease` });
    }
    if (collection === 'buildings' && !existing) missing('portfolioID', 'portfolios', body.portfolioID);
    if (collection === 'workorders' && !existing) {
      missing('buildingID', 'buildings', body.buildingID);
      missing('requestedBy', 'contacts', body.requestedBy);
      for (const unitId of Array.isArray(body.unitIDs) ? body.unitIDs : []) {
        const unit = this.index('units').get(unitId);
        if (unit && unit.buildingID !== body.buildingID)
          errors.push({ key: 'unitIDs', message: `unit ${unitId} is not in building ${body.buildingID}` });
        else missing('unitIDs', 'units', unitId);
      }
    }
    if (collection === 'workorders' && existing && Array.isArray(body.timeCardEntry)) {
      if (body.timeCardEntry.length === 0)
        errors.push({ key: 'timeCardEntry', message: 'timeCardEntry must name at least one vendor' });
      body.timeCardEntry.forEach((entry: Rec, i: number) =>
        errors.push(...validateSave(TIME_CARD_ENTRY, entry, `timeCardEntry[${i}].`)),
      );
    }
    if (LEDGER.has(collection)) errors.push(...this.ledgerErrors(collection, body));
    if (collection === 'units') {
      missing('buildingID', 'buildings', body.buildingID);
      const building = this.index('buildings').get(body.buildingID);
      if (building && body.portfolioID !== building.portfolioID)
        errors.push({
          key: 'portfolioID',
          message: `building ${building.id} belongs to portfolio ${building.portfolioID}`,
        });
      else missing('portfolioID', 'portfolios', body.portfolioID);
    }
    return errors;
  }

  /**
   * What the account refuses in a charge or payment (modelled: the spec states only the schema): an unknown
   * lease, an amount that is not positive or has more than two decimals, a charge's GL account that is not an
   * income account, a payment's account that is not a bank account or a payer who is not on the lease.
   */
  private ledgerErrors(collection: Collection, body: Rec): FieldError[] {
    const errors: FieldError[] = [];
    const lease = this.index('leases').get(body.leaseID);
    if (typeof body.leaseID === 'number' && !lease)
      errors.push({ key: 'leaseID', message: `leases ${body.leaseID} was not found` });
    if (typeof body.amount === 'number') {
      const cents = centsOf(body.amount);
      if (cents === null) errors.push({ key: 'amount', message: 'amount must have at most two decimal places' });
      else if (cents <= 0) errors.push({ key: 'amount', message: 'amount must be greater than zero' });
    }
    if (collection === 'charges' && Number.isInteger(body.glAccountID) && !INCOME_ACCOUNTS.has(body.glAccountID))
      errors.push({ key: 'glAccountID', message: `glAccountID ${body.glAccountID} is not an income account` });
    if (collection === 'payments') {
      if (Number.isInteger(body.destinationAccountID) && !BANK_ACCOUNTS.has(body.destinationAccountID))
        errors.push({
          key: 'destinationAccountID',
          message: `destinationAccountID ${body.destinationAccountID} is not a bank account`,
        });
      if (lease && Number.isInteger(body.contactID) && !lease.contacts.some((c: Rec) => c.id === body.contactID))
        errors.push({ key: 'contactID', message: `contact ${body.contactID} is not on lease ${lease.id}` });
    }
    return errors;
  }

  /** A new charge, open for its whole amount; the lease's balance goes up by it. */
  private createCharge(fields: Rec): Rec {
    const lease = this.index('leases').get(fields.leaseID)!;
    const charge = this.create('charges', {
      portfolioID: lease.portfolioID,
      ...fields,
      amountPaid: 0,
      amountDue: fields.amount,
      payments: [],
    });
    this.moveBalance(lease, centsOf(fields.amount)!);
    return charge;
  }

  /**
   * A new payment, applied to the lease's oldest open charges first (modelled: Propertyware's default
   * allocation); each charge it pays changes, and the lease's balance goes down by it.
   */
  private createPayment(fields: Rec): Rec {
    const lease = this.index('leases').get(fields.leaseID)!;
    const cents = centsOf(fields.amount)!;
    const payment = this.create('payments', {
      portfolioID: lease.portfolioID,
      ...fields,
      glAccountID: fields.destinationAccountID,
      isDeposited: false,
      status: lease.status,
      lines: [
        {
          glAccountID: fields.destinationAccountID,
          debit: fields.amount,
          credit: 0,
          unitID: lease.unitID,
          buildingID: lease.buildingID,
          portfolioID: lease.portfolioID,
        },
      ],
    });
    const open = this.store.charges
      .filter((c) => c.leaseID === lease.id && c.amountDue > 0)
      .sort((a, b) => (a.date === b.date ? a.id - b.id : a.date < b.date ? -1 : 1));
    for (const { charge, cents: applied } of allocateOldestFirst(open, cents, (c) => centsOf(c.amountDue)!))
      this.update('charges', charge, {
        amountPaid: dollars(centsOf(charge.amountPaid)! + applied),
        amountDue: dollars(centsOf(charge.amountDue)! - applied),
        payments: [...charge.payments, { id: payment.id, chargeAmountPaid: dollars(applied) }],
      });
    this.moveBalance(lease, -cents);
    return payment;
  }

  private moveBalance(lease: Rec, cents: number): void {
    this.update('leases', lease, { leaseBalance: dollars(centsOf(lease.leaseBalance ?? 0)! + cents) });
  }

  private createFrom(collection: Collection, schema: SaveSchema, body: Rec): Rec {
    const fields = readFields(schema, body);
    if (collection === 'charges') return this.createCharge(fields);
    if (collection === 'payments') return this.createPayment(fields);
    // SaveContact has no type: a new contact is no tenant until a lease names it (docs/vendors/propertyware-rest.md).
    if (collection === 'contacts') return this.create('contacts', { ...fields, type: 'OTHER' });
    if (collection === 'units') return this.create('units', { status: 'Vacant', rentable: true, ...fields });
    if (collection === 'workorders') return this.createWorkOrder(fields, body);
    if (collection !== 'leases') return this.create(collection, fields);
    // A lease created without a status is in force (modelled: the spec names no default).
    const withStatus = { status: 'Active', ...body };
    const lease = this.create('leases', { ...readFields(schema, withStatus), ...this.leaseLinks(withStatus) });
    this.makeTenants(body.tenantIDs);
    return lease;
  }

  /** A work order as reads show it: its number, building's portfolio, first unit, requester's name; status Open (modelled). */
  private createWorkOrder(fields: Rec, body: Rec): Rec {
    const building = this.index('buildings').get(body.buildingID)!;
    const requester = this.index('contacts').get(body.requestedBy);
    const number = this.store.workorders.length + 1;
    return this.create('workorders', {
      number,
      status: 'Open',
      portfolioID: building.portfolioID,
      ...(Array.isArray(body.unitIDs) && body.unitIDs.length ? { unitID: body.unitIDs[0] } : {}),
      ...(requester ? { requestedBy: `${requester.firstName} ${requester.lastName}` } : {}),
      ...fields,
    });
  }

  /** The BETA close: status Completed, the completion date, the time card's vendors assigned; nothing else changes. */
  private closeWorkOrder(record: Rec, body: Rec): Rec {
    const vendors = (body.timeCardEntry as Rec[]).map((entry) => ({ id: entry.vendorID }));
    const assigned = (record.assignedVendors ?? []) as Rec[];
    return this.update('workorders', record, {
      status: 'Completed',
      ...(body.completedDate ? { completedDate: body.completedDate } : {}),
      ...(body.startDate ? { startDate: body.startDate } : {}),
      ...(body.category ? { category: body.category } : {}),
      assignedVendors: [...assigned, ...vendors.filter((v) => !assigned.some((a) => a.id === v.id))],
    });
  }

  /** A full replace: the read fields the schema sets are blanked, then set from the body. */
  private replace(collection: Collection, schema: SaveSchema, record: Rec, body: Rec): Rec {
    if (collection === 'workorders') return this.closeWorkOrder(record, body);
    const kept = collection === 'contacts' ? ['category'] : [];
    for (const field of replaceableFields(schema)) if (!kept.includes(field)) delete record[field];
    Object.assign(record, readFields(schema, body), collection === 'leases' ? this.leaseLinks(body) : {});
    if (collection === 'leases') this.makeTenants(body.tenantIDs);
    this.touch(record);
    return record;
  }

  /** What a lease shows of SaveLease's ids: its contacts (primary first-class), its unit's building and portfolio. */
  private leaseLinks(body: Rec): Rec {
    const unit = this.index('units').get(body.unitID)!;
    const primary = this.index('contacts').get(body.primaryContactID);
    return {
      buildingID: unit.buildingID,
      portfolioID: unit.portfolioID,
      location: `Unit ${unit.name}`,
      leaseName: `${primary?.lastName ?? 'Lease'} - ${unit.name}`,
      active: isActiveStatus(body.status),
      contacts: (body.tenantIDs as number[]).map((id) => ({
        id,
        primary: id === body.primaryContactID,
        role: 'Tenant',
      })),
    };
  }

  /** Contacts a lease names become tenants (the resident sync's `type=TENANT`); that changes them. */
  private makeTenants(ids: number[]): void {
    for (const id of ids) {
      const contact = this.index('contacts').get(id);
      if (contact && contact.type === 'OTHER') this.update('contacts', contact, { type: 'TENANT' });
    }
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
    const ledger = LEDGER.has(collection) ? this.parseLedgerQuery(params, errors) : undefined;
    if (errors.length) return { errors };
    return { offset, limit, from, to, includeDeactivated, type, order, ledger };
  }

  /** The ledger reads' own filters: postDateStart/End (dates, inclusive), leaseID, portfolioID, glAccountID. */
  private parseLedgerQuery(params: URLSearchParams, errors: Array<{ key: string; message: string }>) {
    const date = (name: string) => {
      const raw = params.get(name);
      if (raw === null || raw === '') return undefined;
      if (!DATE.test(raw) || Number.isNaN(Date.parse(raw)))
        errors.push({ key: name, message: 'must be a date formatted YYYY-MM-DD' });
      return raw;
    };
    const id = (name: string) => {
      const raw = params.get(name);
      if (raw === null || raw === '') return undefined;
      if (!/^\d+$/.test(raw)) errors.push({ key: name, message: 'must be an integer' });
      return Number(raw);
    };
    return {
      postDateStart: date('postDateStart'),
      postDateEnd: date('postDateEnd'),
      leaseID: id('leaseID'),
      portfolioID: id('portfolioID'),
      glAccountID: id('glAccountID'),
    };
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
      ledger?: {
        postDateStart?: string;
        postDateEnd?: string;
        leaseID?: number;
        portfolioID?: number;
        glAccountID?: number;
      };
    },
  ): Rec[] {
    const l = q.ledger;
    const matching = this.store[collection].filter((r) => {
      const changed = this.changedAt(r);
      if (q.from !== undefined && changed < q.from) return false;
      if (q.to !== undefined && changed > q.to) return false;
      if (!q.includeDeactivated && DEACTIVATABLE.has(collection) && r.active === false) return false;
      if (q.type !== undefined && r.type !== q.type) return false;
      if (l?.postDateStart !== undefined && r.date < l.postDateStart) return false;
      if (l?.postDateEnd !== undefined && r.date > l.postDateEnd) return false;
      if (l?.leaseID !== undefined && r.leaseID !== l.leaseID) return false;
      if (l?.portfolioID !== undefined && r.portfolioID !== l.portfolioID) return false;
      if (l?.glAccountID !== undefined && r.glAccountID !== l.glAccountID) return false;
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
    if (collection === 'charges') return this.chargeView(record);
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

  /** A ChargeTx with its payments[] as PaymentCharge, completed from the payments. */
  private chargeView(charge: Rec): Rec {
    const payments = this.index('payments');
    return {
      ...charge,
      payments: charge.payments.map((link: Rec) => {
        const p = payments.get(link.id) ?? {};
        return {
          id: link.id,
          amount: p.amount,
          chargeAmountPaid: link.chargeAmountPaid,
          date: p.date,
          settledDate: p.depositDate ?? p.date,
          paymentType: p.paymentType,
          refNo: p.refNo,
          accountID: p.destinationAccountID,
        };
      }),
    };
  }

  // ---- the control API: change the data between syncs, inject faults --------------------------------

  state() {
    return simulatorState(this, 'PROPERTYWARE_REST', { lastResponseAt: isoTimeOrNull(this.lastResponseAt) });
  }

  /**
   * Edits `n` records of each named collection, spread evenly over it: contacts get a new first name,
   * leases a new base rent, units a new target rent, buildings and portfolios a new name; `charges` posts a
   * new 25.10 late fee to that many leases with a ledger, `payments` a new 100.30 check payment (applied to
   * their oldest open charges).
   */
  mutate(counts: Rec) {
    const round = ++this.mutationRound;
    const today = new Date().toISOString().slice(0, 10);
    const withLedger = () => this.store.leases.filter((l) => this.store.charges.some((c) => c.leaseID === l.id));
    return editEvenly<Collection>(counts, (kind) => (LEDGER.has(kind) ? withLedger() : this.store[kind]), {
      portfolios: (r) => this.update('portfolios', r, { name: withRound(r.name ?? 'Portfolio', round) }),
      buildings: (r) => this.update('buildings', r, { name: withRound(r.name ?? 'Building', round) }),
      units: (r) => this.update('units', r, { targetRent: raisedRent(r.targetRent) }),
      leases: (r) => this.update('leases', r, { baseRent: raisedRent(r.baseRent) }),
      contacts: (r) => this.update('contacts', r, { firstName: withRound(r.firstName ?? 'First', round) }),
      workorders: (r) => this.update('workorders', r, { description: withRound(r.description ?? 'Work', round) }),
      charges: (lease) =>
        this.createCharge({
          leaseID: lease.id,
          date: today,
          amount: 25.1,
          glAccountID: INCOME_GL_ACCOUNTS.late_fee,
          comments: 'Late fee',
        }),
      payments: (lease) =>
        this.createPayment({
          leaseID: lease.id,
          contactID: lease.contacts[0]?.id,
          date: today,
          depositDate: today,
          amount: 100.3,
          paymentType: 'CHECK',
          refNo: `M${round}`,
          destinationAccountID: BANK_GL_ACCOUNTS[0],
        }),
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
    case 'workorders':
    case 'charges':
    case 'payments':
      return {};
    default:
      return { active: true };
  }
}

/** Runs the simulator as its own HTTP server (tests, benchmarks). */
export const startPropertywareRestSandboxServer = (options: PropertywareRestSandboxOptions & ServeOptions = {}) =>
  startSandboxServer(createPropertywareRestSandbox, options);
