import type { WriteOperation } from '../../catalogue/canonical-models';
import { idOrNull, isObject } from '../../normalise/normalise';
import type { VendorWrite, VendorWriteResult, VendorWriter, WriteFields } from '../adapter/vendor-adapter';
import { VendorAccessDeniedError, VendorRequestError, VendorWriteRejectedError } from '../adapter/vendor-http';
import { type AppfolioModel, type AppfolioV0Model, TENANT_LEDGER, WORK_ORDERS } from './appfolio.facts';

type Json = Record<string, any>;

/** `service_priority` (the spec's values) -> a work order's Priority (appfolio.md, service requests create). */
export const WORK_ORDER_PRIORITY: Record<string, string> = {
  High: 'Urgent',
  Emergency: 'Urgent',
  '24 hours': 'Urgent',
  Med: 'Normal',
  Low: 'Low',
};

const priorityCheck = (value: unknown) =>
  typeof value === 'string' && Object.hasOwn(WORK_ORDER_PRIORITY, value)
    ? null
    : `AppFolio work orders take the priorities ${Object.keys(WORK_ORDER_PRIORITY).join(', ')}`;

/**
 * The canonical fields each AppFolio write takes (docs/vendors/appfolio.md, service requests and resident charges):
 * required = the endpoint's `*` attributes. A charge's GL account comes from financial_account_id or charge_code_id
 * (one of them: checked by the writer).
 */
export const APPFOLIO_WRITE_FIELDS: Partial<Record<AppfolioModel, Partial<Record<WriteOperation, WriteFields>>>> = {
  service_requests: {
    create: {
      required: ['property_id', 'service_description'],
      writable: [
        'property_id',
        'unit_id',
        'lease_id',
        'service_description',
        'service_details',
        'vendor_notes',
        'service_priority',
        'status_raw',
        'service_status',
        'vendor_id',
        'employee_id',
        'scheduled_start_date',
        'scheduled_end_date',
        'access_is_authorized',
      ],
      checks: { service_priority: priorityCheck },
    },
    update: {
      required: [],
      writable: [
        'status_raw',
        'service_status',
        'service_priority',
        'service_description',
        'vendor_notes',
        'vendor_id',
        'employee_id',
        'scheduled_start_date',
        'date_completed',
        'completion_notes',
        'notes',
      ],
      checks: { service_priority: priorityCheck },
    },
  },
  resident_charges: {
    create: {
      required: ['lease_id', 'amount_in_cents', 'transaction_date', 'description'],
      writable: [
        'lease_id',
        'amount_in_cents',
        'transaction_date',
        'description',
        'financial_account_id',
        'charge_code_id',
      ],
    },
  },
};

/** What the writer needs of the AppFolio client: v0 calls (with the developer id) and records as listPages yields them. */
export interface AppfolioCalls {
  /** One v0 call's answer; `resend: 'unlessSent'` for a call that must not be made twice. */
  v0(request: {
    method: 'GET' | 'POST' | 'PATCH';
    path: string;
    params?: Json;
    body?: unknown;
    resend?: 'unlessSent';
  }): Promise<unknown>;
  /** A work order as a sync reads it: with its newest note and its unit's name. */
  completeWorkOrder(order: Json): Promise<Json>;
  /** Every record of a v0 model, page by page, as a sync reads them. */
  listPages(model: AppfolioV0Model): AsyncIterable<{ records: unknown[] }>;
}

/**
 * Writes through AppFolio's v0 API: work orders (POST, PATCH of the attributes given, notes by POST …/notes) and
 * charges (POST /api/v0/charges → {Id}). Creates and notes are never resent once they may have arrived (AppFolio has
 * no idempotency); a PATCH sends the values given, complete, so it may be. A refusal (400, 422 `{errors}`) becomes the
 * write's errors, AppFolio's words as they are.
 */
export class AppfolioWriter implements VendorWriter<AppfolioModel> {
  constructor(private readonly calls: AppfolioCalls) {}

  async write(write: VendorWrite & { model: AppfolioModel }): Promise<VendorWriteResult> {
    try {
      if (write.model === 'service_requests')
        return write.operation === 'create' ? await this.createWorkOrder(write) : await this.updateWorkOrder(write);
      if (write.model === 'resident_charges' && write.operation === 'create') return await this.createCharge(write);
    } catch (error) {
      throw readableRejection(error);
    }
    throw new VendorRequestError(`AppFolio has no ${write.operation} of ${write.model}`, null, false);
  }

  /** `POST {}` to the create endpoint (appfolio.md, "Access probe"): 400/422 proves the credentials may write. */
  async probe(model: AppfolioModel, operation: WriteOperation): Promise<void> {
    const path = model === 'service_requests' ? WORK_ORDERS.path : model === 'resident_charges' ? CHARGES_PATH : null;
    if (path === null) throw new VendorRequestError(`AppFolio has no ${operation} of ${model}`, null, false);
    try {
      await this.calls.v0({ method: 'POST', path, body: {} });
    } catch (error) {
      if (error instanceof VendorRequestError && (error.status === 400 || error.status === 422)) return;
      throw error;
    }
    throw new VendorRequestError(`AppFolio accepted an empty POST ${path}`, null, false);
  }

  /**
   * A work order answered by its write is completed as a sync reads it (its newest note, its unit's name); a charge
   * is read from its day's ledger (appfolio.md: "the ledger row is then found by reading that day's ledger"); else
   * the record is looked for in its model's list (v0 reads nothing by id).
   */
  async readBack(model: AppfolioModel, xId: string, from: Record<string, unknown>): Promise<unknown> {
    if (model === 'service_requests' && isObject(from.order)) return this.calls.completeWorkOrder(from.order);
    if (model === 'resident_charges' && typeof from.chargedOn === 'string') {
      const day = (await this.calls.v0({
        method: 'GET',
        path: TENANT_LEDGER.path,
        params: { 'filters[PostedOnFrom]': from.chargedOn, 'filters[PostedOnTo]': from.chargedOn },
      })) as Json | null;
      const rows = Array.isArray(day?.data) ? (day.data as unknown[]) : [];
      const row = rows.find((r) => isObject(r) && idOrNull(r.Id) === xId);
      if (row !== undefined) return row;
    }
    return this.listed(model, xId);
  }

  /** A record of a v0 model's list, by its id. */
  private async listed(model: AppfolioModel, xId: string): Promise<unknown> {
    if (model !== 'service_requests' && model !== 'resident_charges' && model !== 'resident_payments')
      throw new VendorRequestError(`AppFolio ${model} are not written`, null, false);
    for await (const page of this.calls.listPages(model)) {
      const record = page.records.find((r) => isObject(r) && idOrNull(r.Id) === xId);
      if (record !== undefined) return record;
    }
    return null;
  }

  private async createWorkOrder(write: VendorWrite): Promise<VendorWriteResult> {
    const created = await this.calls.v0({
      method: 'POST',
      path: WORK_ORDERS.path,
      body: workOrderBody(write),
      resend: 'unlessSent',
    });
    return workOrderResult(created);
  }

  /** The attributes given by PATCH (when any), then each note by POST …/notes: completion_notes, then notes. */
  private async updateWorkOrder(write: VendorWrite): Promise<VendorWriteResult> {
    const xId = write.xId!;
    const body = workOrderBody(write);
    let record: unknown = null;
    if (Object.keys(body).length)
      record = await this.calls.v0({ method: 'PATCH', path: `${WORK_ORDERS.path}/${xId}`, body });
    for (const field of ['completion_notes', 'notes'])
      if (typeof write.fields[field] === 'string' && write.fields[field] !== '')
        await this.calls.v0({
          method: 'POST',
          path: WORK_ORDERS.notesPath(xId),
          body: { Body: write.fields[field] },
          resend: 'unlessSent',
        });
    // Notes alone answer no work order: it is read back from the list.
    return record === null ? { xId, readBackFrom: {} } : workOrderResult(record);
  }

  /** POST /api/v0/charges → `{"Id"}`; the ledger row is read back from that day's ledger. */
  private async createCharge(write: VendorWrite): Promise<VendorWriteResult> {
    const f = write.fields;
    const glAccount = f.financial_account_id ?? f.charge_code_id;
    if (glAccount === undefined || glAccount === null)
      throw new VendorRequestError(
        'AppFolio charges need a GL account: give financial_account_id (or charge_code_id)',
        null,
        false,
      );
    const chargedOn = calendarDay(f.transaction_date, 'transaction_date');
    const answer = await this.calls.v0({
      method: 'POST',
      path: CHARGES_PATH,
      body: {
        OccupancyId: v0Id(f.lease_id, 'lease_id'),
        GlAccountId: v0Id(glAccount, f.financial_account_id != null ? 'financial_account_id' : 'charge_code_id'),
        Amount: amountText(f.amount_in_cents, 'amount_in_cents'),
        ChargedOn: chargedOn,
        Description: f.description,
      },
      resend: 'unlessSent',
    });
    const xId = isObject(answer) ? idOrNull(answer.Id) : null;
    return xId === null ? { xId: null } : { xId, readBackFrom: { chargedOn } };
  }
}

/** A work order as AppFolio answered its write: read back with its newest note and unit name, as a sync reads it. */
function workOrderResult(answer: unknown): VendorWriteResult {
  const xId = isObject(answer) ? idOrNull(answer.Id) : null;
  return xId === null ? { xId: null } : { xId, readBackFrom: { order: answer } };
}

const CHARGES_PATH = '/api/v0/charges';

/** A work order's attributes from a write's canonical fields (ids already the vendor's), as appfolio.md lists them. */
export function workOrderBody(write: VendorWrite): Json {
  const f = write.fields;
  const given = (field: string) => f[field] !== undefined && f[field] !== null;
  const body: Json = {};
  const set = (attribute: string, field: string, convert: (value: unknown, field: string) => unknown = (v) => v) => {
    if (given(field)) body[attribute] = convert(f[field], field);
  };
  if (write.operation === 'create') {
    set('PropertyId', 'property_id', v0Id);
    set('UnitId', 'unit_id', v0Id);
    set('OccupancyId', 'lease_id', v0Id);
    set('PermissionToEnter', 'access_is_authorized');
    set('ScheduledEnd', 'scheduled_end_date', dateTime);
  } else {
    set('CompletedOn', 'date_completed', calendarDay);
  }
  // JobDescription ← service_description (+ service_details).
  if (given('service_description'))
    body.JobDescription = [f.service_description, f.service_details]
      .filter((t) => typeof t === 'string' && t)
      .join('\n\n');
  set('Instructions', 'vendor_notes');
  set('Priority', 'service_priority', (value) => WORK_ORDER_PRIORITY[String(value)]);
  // Status ← status_raw ?? service_status: AppFolio's exact strings; one it does not know is its 422.
  if (given('status_raw')) body.Status = f.status_raw;
  else set('Status', 'service_status');
  set('VendorId', 'vendor_id', v0Id);
  if (given('employee_id')) body.AssignedUsers = [v0Id(f.employee_id, 'employee_id')];
  set('ScheduledStart', 'scheduled_start_date', dateTime);
  return body;
}

/** A canonical value AppFolio cannot take: the write fails before any request. */
function unsendable(field: string, value: unknown, why: string): never {
  throw new VendorRequestError(`${field} ${JSON.stringify(value)} ${why}`, null, false);
}

/** v0 ids are integers (the reports' ids); one that is not numeric is sent as given, for AppFolio to refuse. */
function v0Id(value: unknown, field: string): unknown {
  const id = idOrNull(value);
  if (id === null) unsendable(field, value, 'is not an id');
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

/** Cents as AppFolio's amount text: exactly two decimals ("100.00"), exact at any size. */
export function amountText(value: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    unsendable(field, value, 'is not a whole number of cents');
  const digits = String(Math.abs(value)).padStart(3, '0');
  return `${value < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The calendar day of a canonical date or date-time, YYYY-MM-DD (a day that does not exist is refused). */
function calendarDay(value: unknown, field: string): string {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value.trim()) : null;
  const day = match ? `${match[1]}-${match[2]}-${match[3]}` : '';
  if (!match || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day)
    unsendable(field, value, 'is not a date (YYYY-MM-DD or an ISO date-time)');
  return day;
}

/** v0 date-times: UTC `YYYY-MM-DDTHH:mm:ssZ`. */
function dateTime(value: unknown, field: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) unsendable(field, value, 'is not a date-time');
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * AppFolio's refusal as the write's errors: a 422 `{errors: [{attribute, message}]}` one `Attribute message` each, a
 * 400 `{error}` its text (appfolio.md, Errors). Anything else is left as it was thrown.
 */
function readableRejection(error: unknown): unknown {
  if (!(error instanceof VendorRequestError) || error instanceof VendorAccessDeniedError) return error;
  if (error.status !== 400 && error.status !== 404 && error.status !== 409 && error.status !== 422) return error;
  const body = error.body as Json | undefined;
  const errors = Array.isArray(body?.errors)
    ? (body.errors as Json[]).map((e) => `${String(e?.attribute)} ${String(e?.message)}`)
    : typeof body?.error === 'string'
      ? [body.error]
      : [];
  if (errors.length === 0) return error;
  return new VendorWriteRejectedError(
    errors.map((e, i) => (i === 0 ? `AppFolio refused the write (HTTP ${error.status}): ${e}` : e)),
    error.status,
  );
}
