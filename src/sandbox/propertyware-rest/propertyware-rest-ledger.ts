import { Prng } from '../kit/prng';
import {
  dollars,
  type LedgerChargeKind,
  type LedgerPaymentMethod,
  ledgerBalanceCents,
  seedLedger,
} from '../kit/seeded-ledger';

type Rec = Record<string, any>;

/**
 * This organisation's general ledger accounts (modelled: the spec's GL account ids are per organisation):
 * income accounts a charge may post to, and the bank accounts a payment may be deposited to.
 */
export const INCOME_GL_ACCOUNTS: Record<LedgerChargeKind, number> = {
  rent: 4_100_001,
  utility: 4_100_002,
  late_fee: 4_100_003,
  other: 4_100_004,
};
export const BANK_GL_ACCOUNTS = [1_010_001, 1_010_002] as const;
/** The ledger's payment methods as the spec's paymentType enum names them. */
export const PAYMENT_TYPES: Record<LedgerPaymentMethod, string> = {
  check: 'CHECK',
  ach: 'NACHA',
  credit_card: 'CREDIT_CARD',
  cash: 'CASH',
  money_order: 'MONEY_ORDER',
};
export const LEDGER_ID_BASE = { charges: 27_300_000, payments: 28_400_000 } as const;

export interface PropertywareLedgers {
  /** ChargeTx as stored: `payments` holds `{id, chargeAmountPaid}` links completed from the payment when served. */
  charges: Rec[];
  payments: Rec[];
}

/**
 * A year of seeded ledger per lease that has begun (docs/vendors/propertyware-rest.md, Resident charges and
 * payments), from its own PRNG so the other collections stay as they were. The first lease carries the large
 * charge. A reversal is a payment of the negative amount naming the reversed one in `comments` (modelled: the
 * spec has no reversal field).
 */
export function generatePropertywareLedgers(
  leases: readonly Rec[],
  seed: number,
  stamp: (createdOn: string) => Rec,
): PropertywareLedgers {
  const prng = new Prng(seed * 7919 + 21);
  const charges: Rec[] = [];
  const payments: Rec[] = [];
  // A lease not yet begun has no ledger, so it owes nothing.
  for (const lease of leases) if (lease.status === 'Draft') lease.leaseBalance = 0;
  leases
    .filter((lease) => lease.status !== 'Draft')
    .forEach((lease, i) => {
      const ledger = seedLedger(prng, {
        rentCents: Math.round(lease.baseRent * 100),
        through: '2026-01-15',
        large: i === 0,
      });
      // The lease's own balance field agrees with its ledger.
      lease.leaseBalance = dollars(ledgerBalanceCents(ledger));
      const payer = lease.contacts.find((c: Rec) => c.primary)?.id ?? lease.contacts[0]?.id;
      const paymentIds = ledger.payments.map((_, n) => LEDGER_ID_BASE.payments + payments.length + n + 1);
      for (const p of ledger.payments) {
        payments.push({
          id: paymentIds[p.seq],
          leaseID: lease.id,
          portfolioID: lease.portfolioID,
          contactID: payer,
          date: p.date,
          depositDate: p.date,
          amount: dollars(p.amountCents),
          paymentType: PAYMENT_TYPES[p.method],
          refNo: p.reference,
          comments: p.reverses === undefined ? 'Payment received' : `Reversal of payment ${paymentIds[p.reverses]}`,
          glAccountID: BANK_GL_ACCOUNTS[0],
          destinationAccountID: BANK_GL_ACCOUNTS[0],
          isDeposited: true,
          status: lease.status,
          lines: [
            {
              glAccountID: BANK_GL_ACCOUNTS[0],
              debit: dollars(Math.max(p.amountCents, 0)),
              credit: dollars(Math.max(-p.amountCents, 0)),
              unitID: lease.unitID,
              buildingID: lease.buildingID,
              portfolioID: lease.portfolioID,
            },
          ],
          ...stamp(p.date),
        });
      }
      for (const c of ledger.charges) {
        charges.push({
          id: LEDGER_ID_BASE.charges + charges.length + 1,
          leaseID: lease.id,
          portfolioID: lease.portfolioID,
          date: c.date,
          amount: dollars(c.amountCents),
          amountPaid: dollars(c.paidCents),
          amountDue: dollars(c.amountCents - c.paidCents),
          glAccountID: INCOME_GL_ACCOUNTS[c.kind],
          comments: c.description,
          refNo: `CHG-${c.date.slice(0, 7)}`,
          payments: ledger.allocations
            .filter((a) => a.charge === c.seq)
            .map((a) => ({ id: paymentIds[a.payment], chargeAmountPaid: dollars(a.amountCents) })),
          ...stamp(c.date),
        });
      }
    });
  return { charges, payments };
}

/** Each lease's balance in cents from the served ledger: its charges less its payments (tests compare a sync with it). */
export function propertywareLeaseBalances(charges: readonly Rec[], payments: readonly Rec[]): Map<number, number> {
  const balances = new Map<number, number>();
  const add = (leaseID: number, cents: number) => balances.set(leaseID, (balances.get(leaseID) ?? 0) + cents);
  for (const c of charges) add(c.leaseID, Math.round(c.amount * 100));
  for (const p of payments) add(p.leaseID, -Math.round(p.amount * 100));
  return balances;
}
