// The record models the dashboard shows, as declarations the views iterate: each model's API path, label, the field
// that names one of its records elsewhere, its list columns and list filters (the API's own parameters), and its
// ledger. The key is the catalogue's model name (write-support's `model`, Connect's stream); `path` is the API's.
import { money } from './dom.js';

const vendor = ['Vendor', (r) => r.integration_vendor];
const xId = ['x_id', (r) => r.x_id];
const day = (v) => (v ? String(v).slice(0, 10) : '—');
const bool = (v) => (v === null || v === undefined ? '—' : v ? 'yes' : 'no');
const count = (items) => (Array.isArray(items) && items.length ? String(items.length) : '—');
/** An amount, a negative one named as what it is (a charge's credit, a payment's reversal). */
const signed = (cents, negative) => (Number(cents) < 0 ? `${money(cents)} (${negative})` : money(cents));

/** A resident has no status of its own: its leases' statuses, as the API gives them in leases_meta_data. */
function leaseStatuses(r) {
  const statuses = [...new Set((r.leases_meta_data ?? []).map((m) => m.lease_status_normalized).filter(Boolean))];
  return statuses.length ? statuses.join(', ') : r.leases_meta_data?.length ? null : 'no lease';
}

/** A list filter: the API's parameter, its label, and the input it takes. */
const filter = (param, label, type = 'text') => ({ param, label, type });
const byProperty = filter('property_id', 'Property id');
const LEDGER_FILTERS = [
  byProperty,
  filter('resident_id', 'Resident id'),
  filter('lease_id', 'Lease id'),
  filter('transaction_date_start', 'From (date)', 'date'),
  filter('transaction_date_end', 'To (date)', 'date'),
];

/**
 * A ledger entry's columns: name, date, amount (negatives named `negative`), the money it leaves open where the model
 * has it, and its allocations.
 */
const ledgerColumns = (negative, extra) => [
  ['Name', (r) => r.name ?? r.description ?? r.x_id],
  ['Date', (r) => day(r.transaction_date)],
  ['Amount', (r) => signed(r.amount_in_cents, negative)],
  ...extra,
  ['Post month', (r) => r.post_month],
  ['Allocations', (r) => count(r.allocations)],
  vendor,
  xId,
];

/** In the catalogue's order. */
export const RECORD_MODELS = {
  properties: {
    path: 'properties',
    label: 'Properties',
    ref: 'property_id',
    columns: [
      ['Name', (r) => r.name ?? '(no name)'],
      ['Address', (r) => r.address_1],
      ['City', (r) => r.city],
      ['State', (r) => r.state],
      ['Units', (r) => r.number_of_units],
      vendor,
      xId,
    ],
    filters: [],
  },
  units: {
    path: 'units',
    label: 'Units',
    ref: 'unit_id',
    columns: [
      ['Number', (r) => r.number ?? '(no number)'],
      ['Address', (r) => r.address_1],
      ['Beds', (r) => r.bedrooms],
      ['Baths', (r) => r.bathrooms],
      ['Vacant', (r) => bool(r.is_vacant)],
      vendor,
      xId,
    ],
    filters: [byProperty],
  },
  residents: {
    path: 'residents',
    label: 'Residents',
    ref: 'resident_id',
    columns: [
      ['Name', (r) => [r.first_name, r.last_name].filter(Boolean).join(' ') || '(no name)'],
      ['Email', (r) => r.email_1],
      ['Phone', (r) => r.phone_1],
      ['Lease status', leaseStatuses],
      vendor,
      xId,
    ],
    filters: [byProperty],
    // Its charges and payments: its own, and those of its leases that name no resident (a lease's shared rent).
    ledger: {
      filter: 'resident_id',
      shared: { links: 'leases_meta_data', key: 'lease_id', filter: 'lease_id' },
      note: 'The resident’s charges and payments, and those of the resident’s leases that name no resident.',
    },
  },
  leases: {
    path: 'leases',
    label: 'Leases',
    ref: 'lease_id',
    columns: [
      ['Unit', (r) => r.unit_number ?? r.x_unit_id],
      ['Status', (r) => r.status_normalized],
      ['Start', (r) => day(r.start_date)],
      ['End', (r) => day(r.end_date)],
      ['Rent', (r) => money(r.rent_amount_in_cents)],
      vendor,
      xId,
    ],
    filters: [byProperty],
    ledger: { filter: 'lease_id', note: 'The charges and payments of the lease, whichever resident they name.' },
  },
  service_requests: {
    path: 'service-requests',
    label: 'Service requests',
    ref: 'service_request_id',
    columns: [
      ['Request', (r) => r.service_description ?? r.service_category ?? r.order_number ?? r.x_id],
      ['Category', (r) => r.service_category],
      ['Priority', (r) => r.service_priority],
      ['Status', (r) => r.status_raw],
      ['Unit', (r) => r.unit_number ?? r.x_unit_id],
      ['Created', (r) => day(r.date_created)],
      ['Due', (r) => day(r.date_due)],
      ['Completed', (r) => day(r.date_completed)],
      ['Vendors', (r) => (r.vendors ?? []).map((v) => v.vendor_id).join(', ') || '—'],
      vendor,
      xId,
    ],
    filters: [
      byProperty,
      filter('unit_id', 'Unit id'),
      filter('employee_id', 'Employee id (vendor’s)'),
      filter('vendor_id', 'Vendor id (vendor’s)'),
    ],
  },
  resident_charges: {
    path: 'resident-charges',
    label: 'Resident charges',
    ref: 'resident_charge_id',
    columns: ledgerColumns('credit', [
      ['Open', (r) => money(r.amount_open_in_cents)],
      ['Paid', (r) => money(r.amount_paid_in_cents)],
      ['Due', (r) => day(r.due_date)],
    ]),
    filters: LEDGER_FILTERS,
    entry: { adds: true, label: 'Charge', negativeLabel: 'Credit' },
  },
  resident_payments: {
    path: 'resident-payments',
    label: 'Resident payments',
    ref: 'resident_payment_id',
    columns: ledgerColumns('reversal', [['Method', (r) => r.payment_method_normalized ?? r.payment_method_raw]]),
    filters: LEDGER_FILTERS,
    entry: { adds: false, label: 'Payment', negativeLabel: 'Reversal' },
  },
};

/** The API path segment of a model (`service_requests` → `service-requests`). */
export const apiPath = (model) => RECORD_MODELS[model]?.path ?? model;

/** Fields that name a record of another model, and that model (`lease_id` → leases). */
export const REFERENCES = Object.fromEntries(Object.entries(RECORD_MODELS).map(([model, spec]) => [spec.ref, model]));

/** The models whose records are ledger entries: charges add to a balance (`adds`), payments take from it. */
export const LEDGER_ENTRY_MODELS = Object.entries(RECORD_MODELS).filter(([, spec]) => spec.entry);
