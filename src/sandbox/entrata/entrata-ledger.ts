import { Prng } from '../kit/prng';
import {
  allocateOldestFirst,
  centsOfDecimal,
  decimalText,
  type LedgerChargeKind,
  type LedgerPaymentMethod,
  seedLedger,
  usDateOf as usDate,
} from '../kit/seeded-ledger';
import type { EntrataData } from './entrata-dataset';
import { COMPANY_EMPLOYEES } from './entrata-work-orders';

type Rec = Record<string, any>;

/**
 * The lease ledgers of docs/vendors/entrata.md (Resident charges and payments). `ar_transactions` holds the rows
 * getLeaseArTransactions serves (charges, credits, payments, reversals), `ar_payments` the ArPayments
 * getArPayments serves with their ArAllocations. Stored rows keep `leaseId`/`propertyId` (and a reversal pair its
 * `reversal` flag, a written row its client `transactionKey`), which the API never shows.
 */

/** Modelled transactionTypeId codes (the vendor file's). */
export const TRANSACTION_TYPES = { charge: 1, payment: 2, credit: 3 } as const;
/** This company's AR codes (modelled): the ones a charge may be sent with, and the payment code. */
export const AR_CODES: Record<number, string> = {
  1: 'Rent',
  2: 'Late Fee',
  3: 'Utilities',
  4: 'Other Income',
  5: 'Concession',
};
const PAYMENT_AR_CODE = { id: 10, name: 'Payment' };
const AR_CODE_OF_KIND: Record<LedgerChargeKind, number> = { rent: 1, late_fee: 2, utility: 3, other: 4 };
/** PaymentType strings (modelled, as the vendor file's normalisation lists them). */
export const PAYMENT_TYPES: Record<LedgerPaymentMethod, string> = {
  check: 'Check',
  ach: 'ACH',
  credit_card: 'Credit Card',
  cash: 'Cash',
  money_order: 'Money Order',
};
/** getArPayments' paymentStatusTypeIds by PaymentStatus (modelled). */
export const PAYMENT_STATUS_TYPE_IDS: Record<string, number> = { Captured: 1, Reversed: 2 };
const ID_BASE = { transactions: 50_000_000, payments: 60_000_000 } as const;

const postMonth = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const cents = (text: string) => centsOfDecimal(text)!;

/** The seeded ledgers: a year per lease that has begun, from its own PRNG so the other collections stay as they were. */
export function generateEntrataLedgers(
  leases: readonly Rec[],
  seed: number,
): Pick<EntrataData, 'ar_transactions' | 'ar_payments'> {
  const prng = new Prng(seed * 7919 + 23);
  const rows: Rec[] = [];
  const payments: Rec[] = [];
  let lastPaymentId: number = ID_BASE.payments;
  leases
    .filter((lease) => ['Current', 'Notice', 'Past'].includes(lease.leaseIntervalStatus))
    .forEach((lease, i) => {
      const ledger = seedLedger(prng, { rentCents: cents(lease.rent), through: '2026-01-15', large: i === 0 });
      const leaseId = Number(lease.id);
      const chargeRows = ledger.charges.map((c) => {
        const row: Rec = {
          leaseId,
          propertyId: lease.propertyId,
          id: String(ID_BASE.transactions + rows.length + 1),
          transactionTypeId: TRANSACTION_TYPES.charge,
          arCodeId: AR_CODE_OF_KIND[c.kind],
          arCodeName: AR_CODES[AR_CODE_OF_KIND[c.kind]],
          description: c.description,
          transactionDate: usDate(c.date),
          postDate: usDate(c.date),
          postMonth: postMonth(c.date),
          amount: decimalText(c.amountCents),
          amountPaid: decimalText(c.paidCents),
          balanceDue: decimalText(c.amountCents - c.paidCents),
          leaseIntervalId: leaseId,
          ...(c.kind === 'rent' ? { scheduledChargeId: leaseId * 10 + 1 } : {}),
        };
        rows.push(row);
        return row;
      });
      const customerId = primaryCustomer(lease);
      // Numbered past every id given so far (a reversal takes a number, though it is no ArPayment of its own).
      const paymentIds = ledger.payments.map((_, n) => lastPaymentId + n + 1);
      lastPaymentId += ledger.payments.length;
      for (const p of ledger.payments) {
        const reversal = p.reversed === true || p.reverses !== undefined;
        rows.push(
          paymentRow(rows, lease, {
            arPaymentId: paymentIds[p.reverses ?? p.seq],
            date: p.date,
            cents: -p.amountCents,
            description: p.reverses === undefined ? 'Payment' : 'Payment reversal',
            reversal,
          }),
        );
        if (p.reverses !== undefined) {
          const reversed = payments.find((x) => x.ArPaymentId === paymentIds[p.reverses!])!;
          reversed.PaymentStatus = 'Reversed';
          reversed.ReturnedOn = `${usDate(p.date)} 09:00:00`;
          continue;
        }
        payments.push({
          leaseId,
          ArPaymentId: paymentIds[p.seq],
          CustomerId: customerId,
          PaymentAmount: decimalText(p.amountCents),
          PaymentDate: usDate(p.date),
          PaymentType: PAYMENT_TYPES[p.method],
          PaymentStatus: 'Captured',
          CapturedOn: `${usDate(p.date)} 10:15:00`,
          ArAllocations: {
            ArAllocation: ledger.allocations
              .filter((a) => a.payment === p.seq)
              .map((a) => allocation(chargeRows[a.charge], a.amountCents, p.date)),
          },
        });
      }
    });
  return { ar_transactions: rows, ar_payments: payments };
}

const primaryCustomer = (lease: Rec): number | undefined =>
  (lease.customers?.customer ?? []).find((c: Rec) => c.customerType === 'Primary')?.id;

function allocation(charge: Rec, amountCents: number, date: string): Rec {
  return {
    ArTransactionId: Number(charge.id),
    ChargeCodeId: charge.arCodeId,
    ChargeCodeName: charge.arCodeName,
    Amount: decimalText(amountCents),
    AllocationDateTime: `${date.includes('/') ? date : usDate(date)} 10:15:00`,
  };
}

function paymentRow(
  rows: Rec[],
  lease: Rec,
  p: { arPaymentId: number; date: string; cents: number; description: string; reversal?: boolean },
): Rec {
  return {
    leaseId: Number(lease.id),
    propertyId: lease.propertyId,
    ...(p.reversal ? { reversal: true } : {}),
    id: String(ID_BASE.transactions + rows.length + 1),
    transactionTypeId: TRANSACTION_TYPES.payment,
    arCodeId: PAYMENT_AR_CODE.id,
    arCodeName: PAYMENT_AR_CODE.name,
    description: p.description,
    transactionDate: usDate(p.date),
    postDate: usDate(p.date),
    postMonth: postMonth(p.date),
    amount: decimalText(p.cents),
    amountPaid: '0.00',
    balanceDue: '0.00',
    arPaymentId: String(p.arPaymentId),
    leaseIntervalId: Number(lease.id),
  };
}

/** A lease's balance in cents: what its charges and credits still have open (= all its rows' amounts summed). */
export function entrataLeaseBalances(data: Pick<EntrataData, 'ar_transactions'>): Map<number, number> {
  const balances = new Map<number, number>();
  for (const row of data.ar_transactions)
    balances.set(row.leaseId, (balances.get(row.leaseId) ?? 0) + cents(row.balanceDue));
  return balances;
}

/** A new charge (positive) or credit (negative) row on a lease, open for its amount. */
export function postTransaction(
  data: EntrataData,
  lease: Rec,
  t: { arCodeId: number; cents: number; date: string; postMonth?: string; description: string; key?: string },
): Rec {
  const row: Rec = {
    leaseId: Number(lease.id),
    propertyId: lease.propertyId,
    ...(t.key === undefined ? {} : { transactionKey: t.key }),
    id: String(ID_BASE.transactions + data.ar_transactions.length + 1),
    transactionTypeId: t.cents < 0 ? TRANSACTION_TYPES.credit : TRANSACTION_TYPES.charge,
    arCodeId: t.arCodeId,
    arCodeName: AR_CODES[t.arCodeId],
    description: t.description,
    transactionDate: usDate(t.date),
    postDate: usDate(t.date),
    postMonth: t.postMonth ?? postMonth(t.date),
    amount: decimalText(t.cents),
    amountPaid: '0.00',
    balanceDue: decimalText(t.cents),
    leaseIntervalId: Number(lease.id),
  };
  data.ar_transactions.push(row);
  return row;
}

/** A new captured payment on a lease (the control API's "new payment"), applied to its oldest open charges. */
export function postPayment(data: EntrataData, lease: Rec, p: { cents: number; date: string; type: string }): Rec {
  const leaseId = Number(lease.id);
  const arPaymentId = data.ar_payments.reduce<number>((max, x) => Math.max(max, x.ArPaymentId), ID_BASE.payments) + 1;
  const open = data.ar_transactions
    .filter((r) => r.leaseId === leaseId && r.transactionTypeId === TRANSACTION_TYPES.charge && cents(r.balanceDue) > 0)
    .sort(
      (a, b) => usDateKey(a.transactionDate).localeCompare(usDateKey(b.transactionDate)) || Number(a.id) - Number(b.id),
    );
  const allocations = allocateOldestFirst(open, p.cents, (c) => cents(c.balanceDue)).map(
    ({ charge, cents: applied }) => {
      charge.amountPaid = decimalText(cents(charge.amountPaid) + applied);
      charge.balanceDue = decimalText(cents(charge.balanceDue) - applied);
      return allocation(charge, applied, p.date);
    },
  );
  data.ar_transactions.push(
    paymentRow(data.ar_transactions, lease, { arPaymentId, date: p.date, cents: -p.cents, description: 'Payment' }),
  );
  const payment = {
    leaseId,
    ArPaymentId: arPaymentId,
    CustomerId: primaryCustomer(lease),
    PaymentAmount: decimalText(p.cents),
    PaymentDate: usDate(p.date),
    PaymentType: p.type,
    PaymentStatus: 'Captured',
    CapturedOn: `${usDate(p.date)} 10:15:00`,
    ArAllocations: { ArAllocation: allocations },
  };
  data.ar_payments.push(payment);
  return payment;
}

const usDateKey = (us: string) => `${us.slice(6, 10)}${us.slice(0, 2)}${us.slice(3, 5)}`;

/**
 * sendLeaseArTransactions: one charge (or, negative, a credit) on a lease, keyed by the client's
 * `transactionId`: a key already used answers `Failed` "Duplicate transaction ID" (modelled). No record id comes
 * back: both attributes echo the client's key.
 */
export function sendLeaseArTransaction(data: EntrataData, p: Rec): { applied: boolean; result: Rec } {
  const item = (status: string, message: string) => ({
    Transactions: {
      Transaction: [
        { '@attributes': { reference_id: p.transactionId, transaction_id: p.transactionId, status, message } },
      ],
    },
  });
  const lease = data.leases.find((l) => l.id === String(p.leaseId));
  if (!lease) return { applied: false, result: item('Failed', `Lease ${p.leaseId} was not found.`) };
  if (!AR_CODES[p.arCodeId])
    return { applied: false, result: item('Failed', `arCodeId ${p.arCodeId} is not an AR code of this company.`) };
  if (data.ar_transactions.some((r) => r.transactionKey === p.transactionId))
    return { applied: false, result: item('Failed', 'Duplicate transaction ID') };
  const amount = centsOfDecimal(p.transactionAmount)!;
  const iso = `${p.transactionDate.slice(6, 10)}-${p.transactionDate.slice(0, 2)}-${p.transactionDate.slice(3, 5)}`;
  postTransaction(data, lease, {
    arCodeId: p.arCodeId,
    cents: amount,
    date: iso,
    postMonth: p.arPostMonth,
    description: p.description,
    key: p.transactionId,
  });
  return { applied: true, result: item('Success', 'Transaction posted successfully.') };
}

/** getWorkOrderPickLists: each requested property's pick lists (the modelled ones every property shares). */
export function workOrderPickLists(
  propertyIds: number[],
  lists: {
    locations: Record<number, string>;
    categories: Record<number, string>;
    problems: Record<number, string>;
    priorities: Record<number, string>;
    statuses: Record<number, string>;
  },
): Rec {
  const entries = (list: Record<number, string>) =>
    Object.entries(list).map(([id, name]) => ({ '@attributes': { Id: Number(id), Name: name } }));
  return {
    Properties: {
      Property: propertyIds.map((id) => ({
        '@attributes': { Id: id },
        Locations: { Location: entries(lists.locations) },
        Priorities: { Priority: entries(lists.priorities) },
        StatusTypes: {
          StatusType: Object.entries(lists.statuses).map(([statusId, name]) => ({
            '@attributes': { Id: Number(statusId), Name: name, Code: name.toUpperCase().replace(/ /g, '_') },
          })),
        },
        Categories: { Category: entries(lists.categories) },
        // A problem's sub-problems are its specific problems: 11 and 12 are problems of category 1, and so on.
        Problems: {
          Problem: Object.entries(lists.categories).map(([categoryId, name]) => ({
            '@attributes': { Id: Number(categoryId), Name: name },
            subMaintenanceProblems: {
              subMaintenanceProblem: entries(
                Object.fromEntries(
                  Object.entries(lists.problems).filter(([problemId]) => problemId.startsWith(categoryId)),
                ),
              ),
            },
          })),
        },
      })),
    },
    WorkOrderTypes: { WorkOrderType: entries({ 1: 'Service Request', 2: 'Make Ready', 3: 'Inspection' }) },
    CompanyEmployees: {
      CompanyEmployee: entries(COMPANY_EMPLOYEES),
    },
  };
}
