import { dropUndefined, Prng } from '../kit/prng';
import { TASK_PRIORITIES, TASK_STATUSES, WRITE_PAYMENT_METHODS } from './buildium-messages';

type Rec = Record<string, any>;

/**
 * Resident requests (tasks), their work orders and the lease ledgers of the Buildium sandbox
 * (docs/vendors/buildium.md: service requests, resident charges, resident payments). Money is made in integer
 * cents and served as Buildium's decimal dollars (`cents / 100`), so every amount is exact to the cent.
 */

/** General-ledger accounts a charge or payment line may post to (modelled; another id is a 422). */
export const GL_ACCOUNTS: Record<number, Rec> = {
  4000: { Id: 4000, AccountNumber: '4000', Name: 'Rent Income' },
  4010: { Id: 4010, AccountNumber: '4010', Name: 'Late Fee Income' },
  4100: { Id: 4100, AccountNumber: '4100', Name: 'Utility Income' },
};
/** Staff users a task may be assigned to (AssignedToUserId; another id is a 422). */
export const STAFF_USER_IDS = Array.from({ length: 20 }, (_, i) => 9_001 + i);
/** Vendors a work order may name (VendorId; another id is a 422). */
export const VENDOR_IDS = Array.from({ length: 12 }, (_, i) => 70_001 + i);
/** GET /v1/tasks/categories (TaskCategoryMessage): a request's CategoryId and SubCategoryId come from here. */
export const TASK_CATEGORIES: Rec[] = [
  {
    Id: 31,
    Name: 'Plumbing',
    IsSystemCategory: false,
    SubCategories: [
      { Id: 311, Name: 'Leak' },
      { Id: 312, Name: 'Clog' },
    ],
  },
  { Id: 32, Name: 'Electrical', IsSystemCategory: false, SubCategories: [{ Id: 321, Name: 'Outlet' }] },
  {
    Id: 33,
    Name: 'HVAC',
    IsSystemCategory: false,
    SubCategories: [
      { Id: 331, Name: 'No heat' },
      { Id: 332, Name: 'No cooling' },
    ],
  },
  { Id: 34, Name: 'Appliances', IsSystemCategory: false, SubCategories: [] },
  { Id: 35, Name: 'General', IsSystemCategory: true, SubCategories: [] },
];
/** PaymentMethod as LeaseTransactionMessage reads it (a free string): the Post enum and Buildium's own processing. */
export const READ_PAYMENT_METHODS = [...WRITE_PAYMENT_METHODS, 'BuildiumEFT', 'BuildiumCC', 'RetailCash', 'None'];

export const LEDGER_ID_BASE = { tasks: 1_200_000, workorders: 1_500_000, transactions: 3_000_000 } as const;
/** Leases given a seeded `first-leases` ledger at most (its ledgers are stored); later ones start empty. */
export const MAX_SEEDED_LEDGERS = 2_000;

export const dollars = (cents: number) => cents / 100;
export const cents = (amount: number) => Math.round(amount * 100);
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => new Date(Date.parse(date) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * A GLAccountMessage as a journal line embeds it: one frozen object per account, shared by every line (a benchmark's
 * ledgers have millions of lines; each a copy built with a spread was most of the sandbox's time generating them).
 */
const GL_ACCOUNT_MESSAGES = new Map<number, Rec>(
  Object.keys(GL_ACCOUNTS).map((id) => [
    Number(id),
    Object.freeze({
      ...GL_ACCOUNTS[Number(id)],
      Type: 'Income',
      SubType: 'Income',
      IsBankAccount: false,
      IsActive: true,
    }),
  ]),
);
export const glAccount = (id: number): Rec => GL_ACCOUNT_MESSAGES.get(id)!;

export interface LedgerLine {
  cents: number;
  gl: number;
  reference?: string;
}

/** A LeaseTransactionMessage from lines in cents: TotalAmount is their sum, added in cents. */
export function leaseTransaction(
  id: number,
  lease: Rec,
  type: string,
  date: string,
  memo: string | undefined,
  lines: LedgerLine[],
  extra: Rec = {},
): Rec {
  const cash = type !== 'Charge';
  // Absent fields are left out as the transaction is built, not deleted after: an object that lost a key is a slow
  // dictionary to JSON.stringify, and a benchmark's ledgers serialise millions of them.
  const transaction: Rec = {
    Id: id,
    Date: date,
    TransactionType: type,
    TransactionTypeEnum: type,
    TotalAmount: dollars(lines.reduce((sum, l) => sum + l.cents, 0)),
    LeaseId: lease.Id,
  };
  defined(transaction, extra);
  const journal: Rec = {};
  defined(journal, { Memo: memo });
  journal.Lines = lines.map((l) => {
    const line: Rec = { GLAccount: glAccount(l.gl), Amount: dollars(l.cents), IsCashPosting: cash };
    return defined(line, { ReferenceNumber: l.reference, PropertyId: lease.PropertyId, UnitId: lease.UnitId });
  });
  transaction.Journal = journal;
  return transaction;
}

/** Adds `fields`' defined values to `record`, in their order. */
function defined(record: Rec, fields: Rec): Rec {
  for (const key in fields) if (fields[key] !== undefined) record[key] = fields[key];
  return record;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Which leases have a seeded ledger (BuildiumDatasetOptions.ledgers): `first-leases` (the default) the first
 * MAX_SEEDED_LEDGERS leases that have begun, generated and stored at reset; `every-lease` every lease that has
 * begun (a year each: about 25 money records per resident for a benchmark), each ledger generated on request from
 * its seed and never stored, so the sandbox's memory does not grow with them; `none` no ledger at all (the sync
 * benchmarks of the first four models, comparable with their runs before ledgers existed).
 */
export type LedgerSeeding = 'first-leases' | 'every-lease' | 'none';
export const LEDGER_SEEDINGS: readonly LedgerSeeding[] = ['first-leases', 'every-lease', 'none'];

/**
 * A year of monthly rent charges for each lease that has begun (Active or Past), and its payments: most in
 * full, some partial (in two parts, the last months short), some late with a late fee; one in twelve ledgers has
 * a payment reversed (a ReversePayment beside the Payment). Every PaymentMethod appears. Edge cases: a utility
 * charge of 0.10 + 0.20 paid as 0.30, and on the second ledger a charge and payment of 1,234,567.89.
 * These are the `first-leases` ledgers: one seeded stream and consecutive ids across them.
 */
export function generateLedgers(leases: Rec[], seed: number): Rec[] {
  const prng = new Prng(seed * 7_919 + 21);
  let nextId = LEDGER_ID_BASE.transactions + 1;
  return begunLeases(leases)
    .slice(0, MAX_SEEDED_LEDGERS)
    .flatMap((lease, n) => leaseLedger(lease, n, prng, () => nextId++));
}

/** Leases that have begun (Active or Past): the ones with a ledger, in this order (their `n`). */
const begunLeases = (leases: Rec[]) => leases.filter((l) => l.LeaseStatus !== 'Future');

/** Ids an `every-lease` ledger may take: lease n's are LEDGER_ID_BASE.transactions + n × this + 1…; a ledger has at most 35. */
export const EVERY_LEASE_ID_STRIDE = 64;

/**
 * What an `every-lease` ledger is generated from: the lease as it was seeded (its rent, first tenant, dates), so a
 * later change of the lease does not rewrite its history, and its place `n` among the begun leases.
 */
export interface LedgerSource {
  n: number;
  lease: Rec;
}

export function ledgerSources(leases: Rec[]): Map<number, LedgerSource> {
  return new Map(
    begunLeases(leases).map((l, n) => [
      l.Id,
      {
        n,
        lease: {
          Id: l.Id,
          PropertyId: l.PropertyId,
          UnitId: l.UnitId,
          LeaseFromDate: l.LeaseFromDate,
          PaymentDueDay: l.PaymentDueDay,
          AccountDetails: { Rent: l.AccountDetails?.Rent },
          Tenants: l.Tenants.slice(0, 1).map((t: Rec) => ({ Id: t.Id })),
        },
      },
    ]),
  );
}

/** An `every-lease` ledger: the same habits and edge cases as generateLedgers, from a stream of the lease's own. */
export function sourcedLedger({ n, lease }: LedgerSource, seed: number): Rec[] {
  const prng = new Prng((Math.imul(seed * 7_919 + 21, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0);
  let nextId = LEDGER_ID_BASE.transactions + n * EVERY_LEASE_ID_STRIDE + 1;
  return leaseLedger(lease, n, prng, () => nextId++);
}

/** The first id a written transaction may take when `sources` ledgers are generated on request. */
export const firstFreeTransactionId = (sources: Map<number, LedgerSource>) =>
  LEDGER_ID_BASE.transactions + sources.size * EVERY_LEASE_ID_STRIDE;

/** Lease n's ledger (n: its place among the begun leases), drawing from `prng` and taking ids from `nextId`. */
function leaseLedger(lease: Rec, n: number, prng: Prng, nextId: () => number): Rec[] {
  const transactions: Rec[] = [];
  const add = (type: string, date: string, memo: string, lines: LedgerLine[], extra: Rec = {}) => {
    const transaction = leaseTransaction(nextId(), lease, type, date, memo, lines, extra);
    transactions.push(transaction);
    return transaction;
  };
  const rent = cents(lease.AccountDetails?.Rent ?? 1000);
  const payer = lease.Tenants[0]?.Id;
  const method = READ_PAYMENT_METHODS[n] ?? prng.weighted(METHOD_WEIGHTS);
  const habit = n < 3 ? (['full', 'partial', 'late'] as const)[n] : prng.weighted(HABITS);
  const reversedMonth = n === 2 || prng.chance(1 / 12) ? prng.int(1, 10) : -1;
  const [y, m] = lease.LeaseFromDate.split('-').map(Number);
  const dueDay = lease.PaymentDueDay ?? 1;
  const pay = (date: string, amount: number, memo: string, gl = 4000, how = method) => {
    const eft = how === 'BuildiumEFT';
    const check = how === 'Check' ? String(prng.int(1001, 9999)) : undefined;
    const reference = eft ? `EFT${prng.int(100000, 999999)}` : undefined;
    return add(eft ? 'ElectronicFundsTransfer' : 'Payment', date, memo, [{ cents: amount, gl, reference }], {
      PaymentMethod: how,
      PayeeTenantId: payer,
      CheckNumber: check,
    });
  };
  for (let k = 0; k < 12; k++) {
    const due = day(y, m - 1 + k, dueDay);
    const label = `${MONTHS[(m - 1 + k) % 12]} ${new Date(Date.parse(due)).getUTCFullYear()}`;
    add('Charge', due, `Rent for ${label}`, [{ cents: rent, gl: 4000 }]);
    const paidOn = addDays(due, habit === 'late' && k % 4 === 1 ? 9 : prng.int(0, 4));
    if (habit === 'late' && k % 4 === 1) {
      add('Charge', addDays(due, 6), 'Late fee', [{ cents: 5_000, gl: 4010 }]);
      pay(paidOn, 5_000, 'Late fee', 4010);
    }
    if (habit === 'partial' && k % 3 !== 0) {
      const first = Math.round(rent * 0.55);
      pay(paidOn, first, 'Partial payment');
      if (k < 10) pay(addDays(paidOn, 12), rent - first, 'Balance of rent');
    } else {
      const payment = pay(paidOn, rent, 'Rent payment');
      if (k === reversedMonth)
        add('ReversePayment', addDays(paidOn, 5), 'NSF: payment returned', [{ cents: rent, gl: 4000 }], {
          PaymentMethod: payment.PaymentMethod,
          PayeeTenantId: payer,
        });
    }
  }
  if (n % 7 === 0) {
    const date = day(y, m + 1, 20);
    add('Charge', date, 'Utility true-up', [
      { cents: 10, gl: 4100, reference: 'WATER' },
      { cents: 20, gl: 4100, reference: 'SEWER' },
    ]);
    add(
      'Payment',
      addDays(date, 2),
      'Utility true-up',
      [
        { cents: 10, gl: 4100 },
        { cents: 20, gl: 4100 },
      ],
      {
        PaymentMethod: 'CreditCard',
        PayeeTenantId: payer,
      },
    );
  }
  if (n === 1) {
    const date = day(y, m + 2, 3);
    add('Charge', date, 'Tenant improvement reimbursement', [{ cents: 123_456_789, gl: 4100, reference: 'TI-2025' }]);
    pay(addDays(date, 1), 123_456_789, 'Tenant improvement reimbursement', 4100, 'DirectDeposit');
  }
  return transactions;
}

const HABITS = [
  ['full', 70],
  ['partial', 20],
  ['late', 10],
] as const;
const METHOD_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['BuildiumEFT', 35],
  ['Check', 20],
  ['ElectronicPayment', 15],
  ['BuildiumCC', 10],
  ['CreditCard', 8],
  ['MoneyOrder', 4],
  ['CashierCheck', 3],
  ['Cash', 2],
  ['DirectDeposit', 2],
  ['RetailCash', 1],
];

const PROBLEMS: ReadonlyArray<readonly [string, string, number, number | undefined]> = [
  ['Kitchen sink leaking', 'Water drips under the sink whenever the tap runs.', 31, 311],
  ['Bathtub drain clogged', 'The tub drains very slowly; a plunger did not help.', 31, 312],
  ['Outlet not working', 'The outlet by the bed has no power; the breaker is on.', 32, 321],
  ['No heat in bedroom', 'Radiator stays cold at night — thermostat at 70°F.', 33, 331],
  ['AC blowing warm air', 'Air conditioner runs but the air is warm.', 33, 332],
  ['Dishwasher will not drain', 'Standing water after each cycle.', 34, undefined],
  ['Front door lock sticks', 'Key turns only after several tries.', 35, undefined],
  ['Smoke detector chirping', 'Hallway detector chirps every minute; “low battery” on the display.', 35, undefined],
];

/**
 * Resident requests on leases with tenants (about one per three leases, at least ten): every status, priority
 * and category, some assigned to staff, some with a due date, entry answers yes, no or none. Requests that are
 * past New have a work order with a vendor two times in three.
 */
export function generateTasks(
  leases: Rec[],
  units: Rec[],
  tenants: Rec[],
  seed: number,
): { tasks: Rec[]; workorders: Rec[] } {
  const prng = new Prng(seed * 104_729 + 21);
  const withTenants = leases.filter((l) => l.Tenants.length > 0);
  const tenantById = new Map(tenants.map((t) => [t.Id, t]));
  const unitById = new Map(units.map((u) => [u.Id, u]));
  const count = withTenants.length === 0 ? 0 : Math.max(10, Math.ceil(leases.length / 3));
  const tasks: Rec[] = [];
  const workorders: Rec[] = [];
  const seededAt = Date.UTC(2026, 0, 15, 12, 0, 0);
  for (let i = 0; i < count; i++) {
    const lease = withTenants[(i * 7) % withTenants.length];
    const tenant = tenantById.get(lease.Tenants[i % lease.Tenants.length].Id) ?? tenants[0];
    const [title, description, categoryId, subId] = PROBLEMS[i % PROBLEMS.length];
    const status = TASK_STATUSES[i % TASK_STATUSES.length];
    const created = seededAt - prng.int(2, 200) * 86_400_000 - prng.int(0, 86_399) * 1000;
    const task = taskRecord(LEDGER_ID_BASE.tasks + i + 1, lease, unitById.get(lease.UnitId), tenant, {
      Title: title,
      Description: description,
      CategoryId: categoryId,
      SubCategoryId: subId,
      AssignedToUserId: i % 4 === 3 ? undefined : STAFF_USER_IDS[i % STAFF_USER_IDS.length],
      TaskStatus: status,
      Priority: TASK_PRIORITIES[Math.floor(i / 5) % 3],
      DueDate: i % 3 === 0 ? undefined : new Date(created + 7 * 86_400_000).toISOString().slice(0, 10),
      IsEntryPermittedByResident: [true, false, undefined][i % 3],
      DoesResidentHavePets: [false, true, undefined, false][i % 4],
      ResidentEntryNotes: i % 2 === 0 ? 'Please call 30 minutes ahead; dog in the back room.' : undefined,
    });
    task.CreatedDateTime = iso(created);
    task.LastUpdatedDateTime = iso(Math.min(seededAt, created + prng.int(0, 20) * 86_400_000));
    tasks.push(task);
    if (status !== 'New' && i % 3 !== 2) {
      const parts = [prng.int(1, 3), prng.int(4_500, 32_000)] as const;
      workorders.push(
        dropUndefined({
          Id: LEDGER_ID_BASE.workorders + workorders.length + 1,
          TaskId: task.Id,
          WorkDetails: `${description} Vendor to inspect and repair.`,
          InvoiceNumber: status === 'Completed' || status === 'Closed' ? `INV-${prng.int(10000, 99999)}` : undefined,
          EntryAllowed: entryAllowed(task.IsEntryPermittedByResident),
          EntryNotes: task.ResidentEntryNotes,
          VendorId: VENDOR_IDS[i % VENDOR_IDS.length],
          VendorNotes: i % 2 === 0 ? 'Bring a replacement part; tenant works from home.' : undefined,
          LineItems: [{ GlAccountId: 6_100, Quantity: parts[0], Memo: 'Labour (hours)', UnitPrice: dollars(parts[1]) }],
        }),
      );
    }
  }
  return { tasks, workorders };
}

export const entryAllowed = (permitted: boolean | undefined | null) =>
  permitted === true ? 'Yes' : permitted === false ? 'No' : 'Unknown';

/** A ResidentRequestTaskMessage from a Post message's fields, on its lease, unit and requesting tenant. */
export function taskRecord(id: number, lease: Rec, unit: Rec | undefined, tenant: Rec, message: Rec): Rec {
  return dropUndefined({
    Id: id,
    Category: taskCategory(message.CategoryId, message.SubCategoryId),
    Title: message.Title,
    Description: message.Description,
    Property: { Id: lease.PropertyId, Type: 'Rental', Href: `https://api.buildium.com/v1/rentals/${lease.PropertyId}` },
    UnitId: unit?.Id ?? lease.UnitId,
    UnitAgreement: { Id: lease.Id, Type: 'Lease', Href: `https://api.buildium.com/v1/leases/${lease.Id}` },
    RequestedByUserEntity: {
      Type: 'RentalTenant',
      Id: tenant.Id,
      FirstName: tenant.FirstName,
      LastName: tenant.LastName,
      IsCompany: false,
      Href: `https://api.buildium.com/v1/leases/tenants/${tenant.Id}`,
    },
    AssignedToUserId: message.AssignedToUserId ?? undefined,
    TaskStatus: message.TaskStatus,
    Priority: message.Priority,
    DueDate: message.DueDate ?? undefined,
    IsEntryPermittedByResident: message.IsEntryPermittedByResident ?? undefined,
    DoesResidentHavePets: message.DoesResidentHavePets ?? undefined,
    ResidentEntryNotes: message.ResidentEntryNotes ?? undefined,
  });
}

/** TaskCategoryResponseMessage of a category id (and subcategory id), undefined for none. */
export function taskCategory(categoryId: number | undefined | null, subCategoryId?: number | null): Rec | undefined {
  const category = TASK_CATEGORIES.find((c) => c.Id === categoryId);
  if (!category) return undefined;
  const sub = category.SubCategories.find((s: Rec) => s.Id === subCategoryId);
  return dropUndefined({
    Id: category.Id,
    Name: category.Name,
    Href: `https://api.buildium.com/v1/tasks/categories/${category.Id}`,
    SubCategory: sub ? { ...sub } : undefined,
  });
}

/** What a WorkOrderPutMessage leaves blank when it omits it (a PUT replaces the whole work order). */
export const WORK_ORDER_FIELDS_BLANKED: Rec = {
  WorkDetails: null,
  InvoiceNumber: null,
  ChargeableTo: null,
  EntryNotes: null,
  VendorNotes: null,
  EntryContactId: null,
  EntryContactIds: null,
  LineItems: null,
};

/** A work order as GET /v1/workorders serves it: the linked task's summary, status and title; Amount from the lines. */
export function workOrderView(record: Rec, task: Rec | undefined): Rec {
  const { TaskId, EntryContactId, EntryContactIds, ...fields } = record;
  const lines: Rec[] = fields.LineItems ?? [];
  const contacts: number[] = [...(EntryContactId != null ? [EntryContactId] : []), ...(EntryContactIds ?? [])];
  return dropUndefined({
    Id: fields.Id,
    Task: task
      ? dropUndefined({
          Id: TaskId,
          Type: 'ResidentRequest',
          UnitId: task.UnitId,
          UnitAgreement: task.UnitAgreement,
          Title: task.Title,
          DueDate: task.DueDate,
          Priority: task.Priority,
          Status: task.TaskStatus,
        })
      : undefined,
    Title: task?.Title,
    DueDate: task?.DueDate,
    Priority: task?.Priority ?? 'Unknown',
    Status: task?.TaskStatus ?? 'Unknown',
    ...fields,
    EntryContact: contacts.length > 0 ? { Id: contacts[0], Resources: [] } : undefined,
    EntryContacts: contacts.map((id) => ({ Id: id, Resources: [] })),
    LineItems: lines,
    // Each line's quantity × unit price, added in cents.
    Amount: dollars(lines.reduce((sum, l) => sum + Math.round(Number(l.Quantity) * cents(Number(l.UnitPrice))), 0)),
  });
}
