import { Prng } from '../kit/prng';
import {
  allocateOldestFirst,
  centsOfDecimal,
  decimalText,
  type LedgerChargeKind,
  type LedgerPaymentMethod,
  seedLedger,
} from '../kit/seeded-ledger';

type Rec = Record<string, any>;

/**
 * v0 tenant ledgers (docs/vendors/appfolio.md, Resident charges and payments; modelled): rows of `Type` Charge,
 * Payment, Credit or Adjustment with their `OccupancyId`, `PropertyId`, `UnitId`, `PostedOn`, `Amount` (decimal
 * text, positive), `AmountDue` (charges), `Description`, `GlAccountId`, `Reference`, `PaymentType` and
 * `AppliedTo[] {ChargeId, Amount}` (payments), `LastUpdatedAt`. A reversed payment keeps its row, its AppliedTo
 * emptied, and an Adjustment of the same amount names it (modelled). The balance is charges and adjustments less
 * payments and credits, which is what the charges still have due.
 */

/** This database's GL accounts (modelled): income accounts a charge may post to, and the cash account. */
export const INCOME_GL_ACCOUNT_IDS: Record<LedgerChargeKind, number> = {
  rent: 4100,
  utility: 4410,
  late_fee: 4800,
  other: 4900,
};
export const CASH_GL_ACCOUNT_ID = 1150;
const PAYMENT_TYPES: Record<LedgerPaymentMethod, string> = {
  check: 'Check',
  ach: 'Online',
  credit_card: 'Credit Card',
  cash: 'Cash',
  money_order: 'Money Order',
};
const FIRST_ROW_ID = 800_000;
/** The attributes POST /api/v0/charges takes, all required. */
export const CHARGE_ATTRIBUTES = ['OccupancyId', 'GlAccountId', 'Amount', 'ChargedOn', 'Description'];

const cents = (text: string) => centsOfDecimal(text)!;
const nextRowId = (rows: Rec[]) => FIRST_ROW_ID + rows.length + 1;

/** A year of ledger per occupancy that has begun (not Future or Vacant-Rented), from its own PRNG. */
export function generateAppfolioLedger(occupancies: readonly Rec[], seed: number, stampedAt: string): Rec[] {
  const prng = new Prng(seed * 7919 + 31);
  const rows: Rec[] = [];
  occupancies
    .filter((o) => o.status !== 'Future' && o.status !== 'Vacant-Rented')
    .forEach((occupancy, i) => {
      const ledger = seedLedger(prng, { rentCents: cents(occupancy.rent), through: '2026-01-15', large: i === 0 });
      const chargeIds = ledger.charges.map((c) =>
        postRow(rows, occupancy, {
          Type: 'Charge',
          PostedOn: c.date,
          Amount: decimalText(c.amountCents),
          AmountDue: decimalText(c.amountCents - c.paidCents),
          Description: c.description,
          GlAccountId: INCOME_GL_ACCOUNT_IDS[c.kind],
          Reference: null,
          LastUpdatedAt: stampedAt,
        }),
      );
      const paymentIds: number[] = [];
      for (const p of ledger.payments) {
        if (p.reverses !== undefined) {
          postRow(rows, occupancy, {
            Type: 'Adjustment',
            PostedOn: p.date,
            Amount: decimalText(-p.amountCents),
            Description: `NSF reversal of payment ${paymentIds[p.reverses]}`,
            GlAccountId: CASH_GL_ACCOUNT_ID,
            Reference: p.reference,
            LastUpdatedAt: stampedAt,
          });
          continue;
        }
        paymentIds[p.seq] = postRow(rows, occupancy, {
          Type: 'Payment',
          PostedOn: p.date,
          Amount: decimalText(p.amountCents),
          Description: 'Payment',
          GlAccountId: CASH_GL_ACCOUNT_ID,
          Reference: p.reference,
          PaymentType: PAYMENT_TYPES[p.method],
          AppliedTo: ledger.allocations
            .filter((a) => a.payment === p.seq)
            .map((a) => ({ ChargeId: chargeIds[a.charge], Amount: decimalText(a.amountCents) })),
          LastUpdatedAt: stampedAt,
        });
      }
    });
  return rows;
}

function postRow(rows: Rec[], occupancy: Rec, fields: Rec): number {
  const Id = nextRowId(rows);
  rows.push({
    Id,
    Type: fields.Type,
    OccupancyId: occupancy.occupancy_id,
    PropertyId: occupancy.property_id,
    UnitId: occupancy.unit_id,
    ...fields,
  });
  return Id;
}

/** A new charge row (POST /api/v0/charges, or the control API's new charge), open for its amount. */
export function postCharge(
  rows: Rec[],
  occupancy: Rec,
  c: { glAccountId: number; amount: string; chargedOn: string; description: string; at: string },
): Rec {
  const Id = postRow(rows, occupancy, {
    Type: 'Charge',
    PostedOn: c.chargedOn,
    Amount: decimalText(cents(c.amount)),
    AmountDue: decimalText(cents(c.amount)),
    Description: c.description,
    GlAccountId: c.glAccountId,
    Reference: null,
    LastUpdatedAt: c.at,
  });
  return rows.find((r) => r.Id === Id)!;
}

/**
 * A new payment row (the control API's new payment: v0 has no payment endpoint), applied to the occupancy's
 * oldest open charges; each charge it pays changes (`touch`).
 */
export function postPayment(
  rows: Rec[],
  occupancy: Rec,
  p: { cents: number; postedOn: string; type: string; at: string },
  touch: (row: Rec) => void,
): Rec {
  const open = rows
    .filter((r) => r.OccupancyId === occupancy.occupancy_id && r.Type === 'Charge' && cents(r.AmountDue) > 0)
    .sort((a, b) => a.PostedOn.localeCompare(b.PostedOn) || a.Id - b.Id);
  const appliedTo = allocateOldestFirst(open, p.cents, (c) => cents(c.AmountDue)).map(({ charge, cents: applied }) => {
    charge.AmountDue = decimalText(cents(charge.AmountDue) - applied);
    touch(charge);
    return { ChargeId: charge.Id, Amount: decimalText(applied) };
  });
  const Id = postRow(rows, occupancy, {
    Type: 'Payment',
    PostedOn: p.postedOn,
    Amount: decimalText(p.cents),
    Description: 'Payment',
    GlAccountId: CASH_GL_ACCOUNT_ID,
    Reference: null,
    PaymentType: p.type,
    AppliedTo: appliedTo,
    LastUpdatedAt: p.at,
  });
  return rows.find((r) => r.Id === Id)!;
}

/** Each occupancy's balance in cents: what its charges still have due. */
export function appfolioOccupancyBalances(rows: readonly Rec[]): Map<number, number> {
  const balances = new Map<number, number>();
  for (const r of rows)
    if (r.Type === 'Charge') balances.set(r.OccupancyId, (balances.get(r.OccupancyId) ?? 0) + cents(r.AmountDue));
  return balances;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (value: unknown) => typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value));

/**
 * What is wrong with a POST /api/v0/charges body: `status` 400 for an unknown attribute, 422 (`{errors}`) for a
 * blank required one, an Amount that is not positive decimal text with at most two places, a ChargedOn that is
 * not YYYY-MM-DD, an unknown occupancy or a GL account that is not an income account (modelled).
 */
export function chargeErrors(
  body: Rec,
  occupancyExists: (id: unknown) => boolean,
): Array<{ status: 400 | 422; attribute: string; message: string }> {
  const errors: Array<{ status: 400 | 422; attribute: string; message: string }> = [];
  for (const attribute of Object.keys(body))
    if (!CHARGE_ATTRIBUTES.includes(attribute))
      errors.push({ status: 400, attribute, message: 'is not a charge attribute' });
  for (const attribute of CHARGE_ATTRIBUTES)
    if (body[attribute] === undefined || body[attribute] === null || body[attribute] === '')
      errors.push({ status: 422, attribute, message: "can't be blank" });
  const amount = typeof body.Amount === 'string' ? centsOfDecimal(body.Amount) : null;
  if (body.Amount !== undefined && (amount === null || amount <= 0))
    errors.push({ status: 422, attribute: 'Amount', message: 'must be a positive amount like "100.00"' });
  if (body.ChargedOn !== undefined && !isDate(body.ChargedOn))
    errors.push({ status: 422, attribute: 'ChargedOn', message: 'must be a date formatted YYYY-MM-DD' });
  if (body.OccupancyId !== undefined && !occupancyExists(body.OccupancyId))
    errors.push({ status: 422, attribute: 'OccupancyId', message: 'Occupancy not found' });
  if (body.GlAccountId !== undefined && !Object.values(INCOME_GL_ACCOUNT_IDS).includes(body.GlAccountId))
    errors.push({ status: 422, attribute: 'GlAccountId', message: 'is not an income GL account' });
  if (body.Description !== undefined && typeof body.Description !== 'string')
    errors.push({ status: 422, attribute: 'Description', message: 'must be text' });
  return errors;
}
