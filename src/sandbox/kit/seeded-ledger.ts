import type { Prng } from './prng';

/**
 * A lease's seeded ledger in integer cents, vendor-neutral: each sandbox maps it to its own charge and payment
 * records. A year of monthly rent, two utility adjustments of 0.10 and 0.20 (their sum must be exactly 0.30),
 * a late fee, full payments, one partial payment, one payment reversed, and optionally one very large charge;
 * the newest month is left unpaid. Payments are applied to the charges of their month (the allocations).
 */
export type LedgerChargeKind = 'rent' | 'utility' | 'late_fee' | 'other';
export type LedgerPaymentMethod = 'check' | 'ach' | 'credit_card' | 'cash' | 'money_order';

export interface LedgerCharge {
  /** 0-based position in the ledger's charges. */
  seq: number;
  date: string;
  kind: LedgerChargeKind;
  description: string;
  amountCents: number;
  paidCents: number;
}

export interface LedgerPayment {
  seq: number;
  date: string;
  method: LedgerPaymentMethod;
  reference: string;
  amountCents: number;
  /** A reversal is a payment of minus the amount of the payment it reverses (that payment's `seq`). */
  reverses?: number;
  /** Set on a payment a later reversal cancelled: its allocations were taken back. */
  reversed?: true;
}

export interface LedgerAllocation {
  payment: number;
  charge: number;
  amountCents: number;
}

export interface SeededLedger {
  charges: LedgerCharge[];
  payments: LedgerPayment[];
  allocations: LedgerAllocation[];
}

/** The large charge one lease carries: big enough that a float sum of dollars would lose a cent. */
export const LARGE_CHARGE_CENTS = 123_456_789_01;

const METHODS: ReadonlyArray<readonly [LedgerPaymentMethod, number]> = [
  ['ach', 5],
  ['check', 3],
  ['credit_card', 2],
  ['money_order', 1],
  ['cash', 1],
];

const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
const dayOfMonth = (date: string, day: number) => `${date.slice(0, 8)}${String(day).padStart(2, '0')}`;

/**
 * Twelve months of ledger ending with the month of `through` (YYYY-MM-DD): rent on the 1st, paid on the 3rd–6th
 * with the month's other charges, except a partial month, a reversed month and the open newest month.
 */
export function seedLedger(
  prng: Prng,
  options: { rentCents: number; through: string; months?: number; large?: boolean },
): SeededLedger {
  const months = options.months ?? 12;
  const [endYear, endMonth] = options.through.split('-').map(Number);
  const charges: LedgerCharge[] = [];
  const payments: LedgerPayment[] = [];
  const allocations: LedgerAllocation[] = [];
  const partialMonth = prng.int(1, months - 3);
  const reversedMonth = partialMonth + 1;
  const lateFeeMonth = prng.int(0, months - 2);
  const charge = (date: string, kind: LedgerChargeKind, description: string, amountCents: number) => {
    const c: LedgerCharge = { seq: charges.length, date, kind, description, amountCents, paidCents: 0 };
    charges.push(c);
    return c;
  };
  const pay = (date: string, amountCents: number, applyTo: LedgerCharge[]) => {
    const p: LedgerPayment = {
      seq: payments.length,
      date,
      method: prng.weighted(METHODS),
      reference: String(prng.int(1000, 99999)),
      amountCents,
    };
    payments.push(p);
    let left = amountCents;
    for (const c of applyTo) {
      const applied = Math.min(left, c.amountCents - c.paidCents);
      if (applied <= 0) continue;
      c.paidCents += applied;
      left -= applied;
      allocations.push({ payment: p.seq, charge: c.seq, amountCents: applied });
    }
    return p;
  };
  for (let m = 0; m < months; m++) {
    const first = monthStart(endYear, endMonth - 1 - (months - 1 - m));
    const month = [charge(first, 'rent', 'Rent', options.rentCents)];
    if (m === 2) {
      month.push(charge(dayOfMonth(first, 15), 'utility', 'Water adjustment', 10));
      month.push(charge(dayOfMonth(first, 15), 'utility', 'Sewer adjustment', 20));
    }
    if (m === lateFeeMonth) month.push(charge(dayOfMonth(first, 6), 'late_fee', 'Late fee', 5000));
    if (options.large && m === months - 2)
      month.push(charge(dayOfMonth(first, 20), 'other', 'Commercial build-out', LARGE_CHARGE_CENTS));
    if (m === months - 1) continue; // the newest month is still open
    const due = month.reduce((sum, c) => sum + c.amountCents, 0);
    const paidOn = dayOfMonth(first, m === 2 ? 20 : prng.int(3, 6));
    if (m === partialMonth) {
      pay(paidOn, Math.round(due * 0.6), month);
    } else if (m === reversedMonth) {
      const bounced = pay(paidOn, due, month);
      for (const a of allocations.filter((a) => a.payment === bounced.seq))
        charges[a.charge].paidCents -= a.amountCents;
      allocations.splice(0, allocations.length, ...allocations.filter((a) => a.payment !== bounced.seq));
      bounced.reversed = true;
      payments.push({
        seq: payments.length,
        date: dayOfMonth(paidOn, 12),
        method: bounced.method,
        reference: bounced.reference,
        amountCents: -bounced.amountCents,
        reverses: bounced.seq,
      });
    } else {
      pay(paidOn, due, month);
    }
  }
  return { charges, payments, allocations };
}

/** What the lease owes: charges less payments (a reversal's negative amount adds back what it reversed). */
export const ledgerBalanceCents = (ledger: SeededLedger): number =>
  ledger.charges.reduce((sum, c) => sum + c.amountCents, 0) -
  ledger.payments.reduce((sum, p) => sum + p.amountCents, 0);

/** Dollars as a JSON number from cents: the nearest double, which prints with at most two decimals. */
export const dollars = (cents: number): number => cents / 100;

/** Cents of a dollar amount that has at most two decimals, or null when it has more (or is not finite). */
export function centsOf(amount: number): number | null {
  if (!Number.isFinite(amount)) return null;
  const cents = Math.round(amount * 100);
  return Math.abs(cents / 100 - amount) < 1e-9 * Math.max(1, Math.abs(amount)) ? cents : null;
}

/** Cents as decimal text with two places ("-1234.05"), exact at any size (no float on the way). */
export function decimalText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Cents of decimal text or a JSON number with at most two decimals ("12", "12.3", "-0.10", 12.3), else null. */
export function centsOfDecimal(value: unknown): number | null {
  if (typeof value === 'number') return centsOf(value);
  const match = typeof value === 'string' ? /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value) : null;
  if (!match) return null;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '0').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

/** YYYY-MM-DD as MM/DD/YYYY (Entrata's and Yardi's dates). */
export const usDateOf = (iso: string) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`;

/**
 * How a payment of `amountCents` is applied to open charges, oldest first (the order given): each charge paid
 * and by how much, until the payment or the charges run out.
 */
export function allocateOldestFirst<Charge>(
  open: readonly Charge[],
  amountCents: number,
  dueCents: (charge: Charge) => number,
): Array<{ charge: Charge; cents: number }> {
  const allocations: Array<{ charge: Charge; cents: number }> = [];
  let left = amountCents;
  for (const charge of open) {
    if (left <= 0) break;
    const applied = Math.min(left, dueCents(charge));
    if (applied <= 0) continue;
    left -= applied;
    allocations.push({ charge, cents: applied });
  }
  return allocations;
}
