import { Prng } from '../kit/prng';
import {
  allocateOldestFirst,
  centsOfDecimal,
  decimalText,
  type LedgerChargeKind,
  type LedgerPaymentMethod,
  seedLedger,
} from '../kit/seeded-ledger';
import type { YardiData } from './yardi-dataset';

type Rec = Record<string, any>;

/**
 * Billing & Payments (docs/vendors/yardi.md, Resident charges and payments): each household's (RT_Customer's)
 * charges and payments, stored as `{YardiPropertyId, CustomerID, element: 'Charge'|'Payment', type, Detail}` and
 * served under the household's `RTServiceTransactions/Transactions` as `Charge/Detail` and `Payment[@Type]/Detail`.
 * Yardi shows no allocations: a charge's `AmountPaid`/`BalanceDue` say what was paid.
 */

/** This database's charge codes and their GL accounts (modelled). */
export const CHARGE_CODES: Record<string, { gl: string; name: string }> = {
  rent: { gl: '4000-0000', name: 'Rent' },
  util: { gl: '4410-0000', name: 'Utility reimbursement' },
  late: { gl: '4800-0000', name: 'Late fee' },
  other: { gl: '4900-0000', name: 'Other income' },
};
const CODE_OF_KIND: Record<LedgerChargeKind, string> = {
  rent: 'rent',
  utility: 'util',
  late_fee: 'late',
  other: 'other',
};
/** The Payment `Type` values (the vendor file's list). */
export const RECEIPT_TYPES = ['Cash', 'Check', 'CreditCard', 'DebitCard', 'ACH', 'MoneyOrder', 'Other'];
const TYPE_OF_METHOD: Record<LedgerPaymentMethod, string> = {
  check: 'Check',
  ach: 'ACH',
  credit_card: 'CreditCard',
  cash: 'Cash',
  money_order: 'MoneyOrder',
};
const FIRST_TRANSACTION_ID = 700_000;
/** The widest FromDate–ToDate window GetResidentTransactions_ByChargeDate_Login takes, in days. */
export const MAX_RANGE_DAYS = 31;

const cents = (text: string) => centsOfDecimal(text)!;
const nextTransactionId = (data: Pick<YardiData, 'transactions'>) =>
  String(FIRST_TRANSACTION_ID + data.transactions.length + 1);
const payerName = (household: Rec) => {
  const name = household.Customers?.Customer?.[0]?.Name ?? {};
  return [name.FirstName, name.LastName].filter(Boolean).join(' ');
};

/** A year of ledger per household whose lease has begun (current and former residents), from its own PRNG. */
export function generateYardiTransactions(customers: readonly Rec[], seed: number): Rec[] {
  const prng = new Prng(seed * 7919 + 29);
  const data = { transactions: [] as Rec[] };
  customers
    .filter((h) => ['current resident', 'former resident'].includes(h.Customers?.Customer?.[0]?.['@Type']))
    .forEach((household, i) => {
      const ledger = seedLedger(prng, {
        rentCents: cents(household.Lease.CurrentRent),
        through: '2026-01-15',
        large: i === 0,
      });
      for (const c of ledger.charges)
        postCharge(data, household, {
          code: CODE_OF_KIND[c.kind],
          description: c.description,
          date: c.date,
          cents: c.amountCents,
          paidCents: c.paidCents,
        });
      const ids: string[] = [];
      for (const p of ledger.payments) {
        const receipt = postReceipt(data, household, {
          type: TYPE_OF_METHOD[p.method],
          documentNumber: p.reference,
          date: p.date,
          cents: p.amountCents,
          description: p.reverses === undefined ? 'Payment' : 'Payment reversal (NSF)',
          comment: p.reverses === undefined ? undefined : `Reverses receipt ${ids[p.reverses]}`,
          apply: false,
        });
        ids.push(receipt.Detail.TransactionID);
      }
    });
  return data.transactions;
}

/** A charge on a household's ledger, open for what is not paid. */
export function postCharge(
  data: Pick<YardiData, 'transactions'>,
  household: Rec,
  c: {
    code: string;
    description: string;
    date: string;
    cents: number;
    paidCents?: number;
    gl?: string;
    comment?: string;
  },
): Rec {
  const paid = c.paidCents ?? 0;
  const record = {
    YardiPropertyId: household.YardiPropertyId,
    CustomerID: household.CustomerID,
    element: 'Charge',
    Detail: {
      TransactionID: nextTransactionId(data),
      Description: c.description,
      TransactionDate: c.date,
      ChargeCode: c.code,
      GLAccountNumber: c.gl ?? CHARGE_CODES[c.code].gl,
      CustomerID: household.CustomerID,
      UnitID: household.RT_Unit?.UnitID,
      Amount: decimalText(c.cents),
      AmountPaid: decimalText(paid),
      BalanceDue: decimalText(c.cents - paid),
      ...(c.comment ? { Comment: c.comment } : {}),
      PropertyPrimaryID: household.YardiPropertyId,
    },
  };
  data.transactions.push(record);
  return record;
}

/** A receipt on a household's ledger; with `apply`, paid into its oldest open charges. */
export function postReceipt(
  data: Pick<YardiData, 'transactions'>,
  household: Rec,
  p: {
    type: string;
    documentNumber?: string;
    date: string;
    cents: number;
    description: string;
    comment?: string;
    apply: boolean;
  },
): Rec {
  const record = {
    YardiPropertyId: household.YardiPropertyId,
    CustomerID: household.CustomerID,
    element: 'Payment',
    type: p.type,
    Detail: {
      TransactionID: nextTransactionId(data),
      ...(p.documentNumber ? { DocumentNumber: p.documentNumber } : {}),
      TransactionDate: p.date,
      CustomerID: household.CustomerID,
      PaidBy: payerName(household),
      Amount: decimalText(p.cents),
      Description: p.description,
      ...(p.comment ? { Comment: p.comment } : {}),
      PropertyPrimaryID: household.YardiPropertyId,
    },
  };
  data.transactions.push(record);
  if (!p.apply) return record;
  const open = data.transactions
    .filter((t) => t.element === 'Charge' && t.CustomerID === household.CustomerID && cents(t.Detail.BalanceDue) > 0)
    .sort((a, b) => a.Detail.TransactionDate.localeCompare(b.Detail.TransactionDate));
  for (const { charge, cents: applied } of allocateOldestFirst(open, p.cents, (c) => cents(c.Detail.BalanceDue))) {
    charge.Detail.AmountPaid = decimalText(cents(charge.Detail.AmountPaid) + applied);
    charge.Detail.BalanceDue = decimalText(cents(charge.Detail.BalanceDue) - applied);
  }
  return record;
}

/** A household's `RTServiceTransactions`, or undefined when it has none of `transactions`. */
export function serviceTransactions(transactions: readonly Rec[]): Rec | undefined {
  if (transactions.length === 0) return undefined;
  const charges = transactions.filter((t) => t.element === 'Charge').map((t) => ({ Detail: t.Detail }));
  const payments = transactions
    .filter((t) => t.element === 'Payment')
    .map((t) => ({ '@Type': t.type, Detail: t.Detail }));
  return {
    Transactions: { ...(charges.length ? { Charge: charges } : {}), ...(payments.length ? { Payment: payments } : {}) },
  };
}

/** Each household's balance in cents: what its charges still have due (= charges less payments). */
export function yardiHouseholdBalances(data: Pick<YardiData, 'transactions'>): Map<string, number> {
  const balances = new Map<string, number>();
  for (const t of data.transactions)
    if (t.element === 'Charge')
      balances.set(t.CustomerID, (balances.get(t.CustomerID) ?? 0) + cents(t.Detail.BalanceDue));
  return balances;
}

export type ImportResult = { applied: boolean; messages: Array<{ type: 'Info' | 'Error'; text: string }> };

const list = (value: unknown): Rec[] =>
  Array.isArray(value) ? value : value && typeof value === 'object' ? [value as Rec] : [];
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
/** ISO or MM/DD/YYYY (both taken, as in reads) as ISO; undefined when neither. */
function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? value
    : /^\d{2}\/\d{2}\/\d{4}$/.test(value)
      ? `${value.slice(6, 10)}-${value.slice(0, 2)}-${value.slice(3, 5)}`
      : undefined;
  return iso && !Number.isNaN(Date.parse(iso)) ? iso : undefined;
}

/**
 * ImportCharge_Login / ImportReceipt_Login: every `Charge/Detail` (or `Payment[@Type]/Detail`) of the document's
 * RT_Customers, all or nothing (modelled): an unknown household, a property other than the call's, a bad amount,
 * date, charge code or GL account, a receipt type off the list, is an Error and nothing is imported. No id is
 * returned; receipts are paid into the household's oldest open charges.
 */
export function importTransactions(
  data: Pick<YardiData, 'customers' | 'transactions'>,
  property: string,
  doc: Rec,
  element: 'Charge' | 'Payment',
): ImportResult {
  const errors: string[] = [];
  const imports: Array<() => void> = [];
  const properties = list(doc.ResidentTransactions?.Property);
  const details = properties.flatMap((p) =>
    list(p.RT_Customer).flatMap((c) => list(c.RTServiceTransactions?.Transactions?.[element])),
  );
  if (details.length === 0)
    return { applied: false, messages: [{ type: 'Error', text: `The document holds no ${element} to import.` }] };
  details.forEach((item, n) => {
    const d: Rec = item.Detail ?? {};
    const at = `${element} ${n + 1}`;
    const code = text(d.CustomerID)?.split(':')[0];
    const household = data.customers.find((c) => c.CustomerID === code && c.YardiPropertyId === property);
    if (!household)
      errors.push(`${at}: CustomerID '${text(d.CustomerID) ?? ''}' was not found in property '${property}'.`);
    const primary = text(d.PropertyPrimaryID);
    if (primary !== undefined && primary !== property)
      errors.push(`${at}: PropertyPrimaryID '${primary}' is not the property '${property}'.`);
    const amount = centsOfDecimal(text(d.Amount));
    if (amount === null || amount === 0 || (element === 'Payment' && amount < 0))
      errors.push(`${at}: Amount '${text(d.Amount) ?? ''}' is not a valid amount.`);
    const date = isoDate(text(d.TransactionDate));
    if (!date) errors.push(`${at}: TransactionDate '${text(d.TransactionDate) ?? ''}' is not a valid date.`);
    if (element === 'Charge') {
      const chargeCode = text(d.ChargeCode);
      if (!chargeCode || !CHARGE_CODES[chargeCode]) errors.push(`${at}: Invalid Charge Code '${chargeCode ?? ''}'.`);
      const gl = text(d.GLAccountNumber);
      if (gl !== undefined && !Object.values(CHARGE_CODES).some((c) => c.gl === gl))
        errors.push(`${at}: Invalid GL Account '${gl}'.`);
      imports.push(() =>
        postCharge(data, household!, {
          code: chargeCode!,
          description: text(d.Description) ?? CHARGE_CODES[chargeCode!].name,
          date: date!,
          cents: amount!,
          gl,
          comment: text(d.Comment),
        }),
      );
    } else {
      const type = text(item['@Type']);
      if (!type || !RECEIPT_TYPES.includes(type))
        errors.push(`${at}: Payment Type '${type ?? ''}' must be one of ${RECEIPT_TYPES.join(', ')}.`);
      imports.push(() =>
        postReceipt(data, household!, {
          type: type!,
          documentNumber: text(d.DocumentNumber),
          date: date!,
          cents: amount!,
          description: text(d.Description) ?? 'Payment',
          comment: text(d.Comment),
          apply: true,
        }),
      );
    }
  });
  if (errors.length) return { applied: false, messages: errors.map((e) => ({ type: 'Error', text: e })) };
  for (const post of imports) post();
  const noun = element === 'Charge' ? 'charges' : 'receipts';
  return { applied: true, messages: [{ type: 'Info', text: `${imports.length} ${noun} were successfully imported` }] };
}

/** The FromDate–ToDate window of GetResidentTransactions_ByChargeDate_Login as ISO days, or Yardi's error text. */
export function chargeDateRange(params: Rec): { from: string; to: string } | string {
  const day = (name: string) => {
    const value = typeof params[name] === 'string' ? params[name] : '';
    return /^\d{2}\/\d{2}\/\d{4}$/.test(value) ? isoDate(value) : undefined;
  };
  const from = day('FromDate');
  const to = day('ToDate');
  if (!from || !to) return 'FromDate and ToDate are required, formatted MM/DD/YYYY.';
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days < 0) return 'FromDate must not be after ToDate.';
  if (days > MAX_RANGE_DAYS) return 'Consumer may only query for a date range of 31 days or less';
  return { from, to };
}
