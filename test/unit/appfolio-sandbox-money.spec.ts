import { type AppfolioSandboxOptions, startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { appfolioOccupancyBalances, INCOME_GL_ACCOUNT_IDS } from '../../src/sandbox/appfolio/appfolio-ledger';
import { decimalCents } from '../support/decimal-cents';
import { sandboxControl } from '../support/sandbox-writes';

const CREDS = { clientId: 'unit-client', clientSecret: 'unit-secret', developerId: 'unit-dev' };
const HEADERS = {
  authorization: `Basic ${Buffer.from(`${CREDS.clientId}:${CREDS.clientSecret}`).toString('base64')}`,
  'X-AppFolio-Developer-ID': CREDS.developerId,
  'content-type': 'application/json',
};
const OPTIONS: AppfolioSandboxOptions = { residents: 40, seed: 2, credentials: [CREDS], requestBudget: null };
const cents = decimalCents;
const ROW_FIELDS = [
  'Id',
  'Type',
  'OccupancyId',
  'PropertyId',
  'UnitId',
  'PostedOn',
  'Amount',
  'Description',
  'GlAccountId',
  'Reference',
  'LastUpdatedAt',
];

describe('AppFolio sandbox tenant ledgers and charges (v0)', () => {
  let server: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  const { writes, addFault } = sandboxControl(() => server.url);
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = HEADERS) =>
    fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  /** Every row posted in the window, following next_page_path. */
  const ledger = async (from: string, to?: string, size = 1000) => {
    const rows: any[] = [];
    let path: string | null =
      `/api/v0/tenant_ledgers?filters[PostedOnFrom]=${from}${to ? `&filters[PostedOnTo]=${to}` : ''}&page[size]=${size}`;
    while (path) {
      const res = await send('GET', path);
      expect(res.status).toBe(200);
      const page = (await res.json()) as any;
      rows.push(...page.data);
      path = page.next_page_path;
    }
    return rows;
  };
  const occupancyWithLedger = () =>
    server.sandbox.data.occupancies.find((o) =>
      server.sandbox.data.ledger.some(
        (r) => r.OccupancyId === o.occupancy_id && r.Type === 'Charge' && r.AmountDue !== '0.00',
      ),
    )!;

  beforeAll(async () => {
    server = await startAppfolioSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('seeds a year of ledger per begun occupancy: charges with AmountDue, payments with AppliedTo, a reversal, exact text', async () => {
    const rows = await ledger('2000-01-01');
    const begun = server.sandbox.data.occupancies.filter((o) => o.status !== 'Future' && o.status !== 'Vacant-Rented');
    expect(new Set(rows.map((r) => r.OccupancyId))).toEqual(new Set(begun.map((o) => o.occupancy_id)));
    for (const r of rows) {
      const extra = r.Type === 'Charge' ? ['AmountDue'] : r.Type === 'Payment' ? ['PaymentType', 'AppliedTo'] : [];
      expect(Object.keys(r).sort()).toEqual([...ROW_FIELDS, ...extra].sort());
      expect(r.Amount).toMatch(/^\d+\.\d{2}$/);
    }
    const charges = rows.filter((r) => r.Type === 'Charge');
    expect(charges.filter((r) => r.Amount === '0.10' || r.Amount === '0.20')).toHaveLength(begun.length * 2);
    expect(charges.filter((r) => r.Amount === '123456789.01')).toHaveLength(1);
    // AppliedTo: each payment allocates exactly its amount to charges of its occupancy; reversed ones nothing.
    const byId = new Map(charges.map((c) => [c.Id, c]));
    const adjustments = rows.filter((r) => r.Type === 'Adjustment');
    expect(adjustments).toHaveLength(begun.length);
    for (const p of rows.filter((r) => r.Type === 'Payment')) {
      const reversed = adjustments.some((a) => a.Description === `NSF reversal of payment ${p.Id}`);
      const applied = p.AppliedTo.reduce((sum: number, a: any) => sum + cents(a.Amount), 0);
      expect({ id: p.Id, applied }).toEqual({ id: p.Id, applied: reversed ? 0 : cents(p.Amount) });
      for (const a of p.AppliedTo) expect(byId.get(a.ChargeId)).toMatchObject({ OccupancyId: p.OccupancyId });
    }
    // What each charge has paid is the sum of the AppliedTo naming it.
    const paid = new Map<number, number>();
    for (const p of rows.filter((r) => r.Type === 'Payment'))
      for (const a of p.AppliedTo) paid.set(a.ChargeId, (paid.get(a.ChargeId) ?? 0) + cents(a.Amount));
    for (const c of charges) expect(cents(c.Amount) - (paid.get(c.Id) ?? 0)).toBe(cents(c.AmountDue));
    expect(charges.some((c) => paid.has(c.Id) && cents(c.AmountDue) > 0)).toBe(true); // a partial payment
    // Balance: charges + adjustments − payments = what the charges still have due.
    const balances = appfolioOccupancyBalances(server.sandbox.data.ledger);
    for (const o of begun) {
      const own = rows.filter((r) => r.OccupancyId === o.occupancy_id);
      const sign = (r: any) => (r.Type === 'Payment' || r.Type === 'Credit' ? -1 : 1);
      const net = own.reduce((sum, r) => sum + sign(r) * cents(r.Amount), 0);
      const due = own.filter((r) => r.Type === 'Charge').reduce((sum, r) => sum + cents(r.AmountDue), 0);
      expect({ occupancy: o.occupancy_id, net }).toEqual({ occupancy: o.occupancy_id, net: due });
      expect(balances.get(o.occupancy_id)).toBe(due);
    }
  });

  it('filters by PostedOn (required From, inclusive To) and pages with page[size] and next_page_path', async () => {
    const december = await ledger('2025-12-01', '2025-12-31');
    expect(december.length).toBeGreaterThan(0);
    expect(december.every((r) => r.PostedOn >= '2025-12-01' && r.PostedOn <= '2025-12-31')).toBe(true);
    expect((await ledger('2025-12-01', '2025-12-31', 7)).map((r) => r.Id)).toEqual(december.map((r) => r.Id));
    expect((await send('GET', '/api/v0/tenant_ledgers')).status).toBe(400);
    expect((await send('GET', '/api/v0/tenant_ledgers?filters[PostedOnFrom]=12/01/2025')).status).toBe(400);
    const { 'X-AppFolio-Developer-ID': _omit, ...noDeveloper } = HEADERS;
    expect(
      (await send('GET', '/api/v0/tenant_ledgers?filters[PostedOnFrom]=2025-12-01', undefined, noDeveloper)).status,
    ).toBe(401);
  });

  it('POST /api/v0/charges answers 201 {"Id"}; the row is found by reading that day; 0.10 + 0.20 moves the balance by 0.30', async () => {
    const occupancy = occupancyWithLedger();
    const before = appfolioOccupancyBalances(server.sandbox.data.ledger).get(occupancy.occupancy_id)!;
    const ids: string[] = [];
    for (const amount of ['0.10', '0.20']) {
      const res = await send('POST', '/api/v0/charges', {
        OccupancyId: occupancy.occupancy_id,
        GlAccountId: INCOME_GL_ACCOUNT_IDS.utility,
        Amount: amount,
        ChargedOn: '2026-01-20',
        Description: 'Water',
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as any;
      expect(Object.keys(body)).toEqual(['Id']);
      expect(typeof body.Id).toBe('string');
      ids.push(body.Id);
    }
    const day = (await ledger('2026-01-20', '2026-01-20')).filter((r) => ids.includes(String(r.Id)));
    expect(day.map((r) => [r.Type, r.Amount, r.AmountDue, r.OccupancyId, r.PropertyId, r.UnitId])).toEqual(
      ['0.10', '0.20'].map((a) => ['Charge', a, a, occupancy.occupancy_id, occupancy.property_id, occupancy.unit_id]),
    );
    expect(appfolioOccupancyBalances(server.sandbox.data.ledger).get(occupancy.occupancy_id)! - before).toBe(30);
    expect((await writes())['POST /api/v0/charges']).toEqual({ received: 2, applied: 2, rejected: 0, refused: 0 });
  });

  it('refuses bad charges (400 unknown attribute, 422 {errors}) and has no payment endpoint (404)', async () => {
    const occupancy = occupancyWithLedger();
    const count = server.sandbox.data.ledger.length;
    const good = {
      OccupancyId: occupancy.occupancy_id,
      GlAccountId: INCOME_GL_ACCOUNT_IDS.rent,
      Amount: '100.00',
      ChargedOn: '2026-01-20',
      Description: 'Rent',
    };
    const unknown = await send('POST', '/api/v0/charges', { ...good, Memo: 'x' });
    expect(unknown.status).toBe(400);
    const refused = async (body: object) => {
      const res = await send('POST', '/api/v0/charges', body);
      expect(res.status).toBe(422);
      return ((await res.json()) as any).errors;
    };
    expect(await refused({})).toEqual(
      ['OccupancyId', 'GlAccountId', 'Amount', 'ChargedOn', 'Description'].map((attribute) => ({
        attribute,
        message: "can't be blank",
      })),
    );
    expect(await refused({ ...good, Amount: 100 })).toEqual([
      { attribute: 'Amount', message: 'must be a positive amount like "100.00"' },
    ]);
    expect(await refused({ ...good, Amount: '100.001' })).toHaveLength(1);
    expect(await refused({ ...good, ChargedOn: '01/20/2026' })).toEqual([
      { attribute: 'ChargedOn', message: 'must be a date formatted YYYY-MM-DD' },
    ]);
    expect(await refused({ ...good, OccupancyId: 1 })).toEqual([
      { attribute: 'OccupancyId', message: 'Occupancy not found' },
    ]);
    expect(await refused({ ...good, GlAccountId: 1150 })).toEqual([
      { attribute: 'GlAccountId', message: 'is not an income GL account' },
    ]);
    expect(server.sandbox.data.ledger).toHaveLength(count);
    expect((await send('POST', '/api/v0/payments', { ...good })).status).toBe(404);
    expect((await send('GET', '/api/v0/charges')).status).toBe(405);
    expect((await writes())['POST /api/v0/charges']).toEqual({ received: 7, applied: 0, rejected: 7, refused: 0 });
  });

  it('an injected 429 posts nothing; an afterApply 502 posts once', async () => {
    const occupancy = occupancyWithLedger();
    const count = server.sandbox.data.ledger.length;
    const charge = {
      OccupancyId: occupancy.occupancy_id,
      GlAccountId: INCOME_GL_ACCOUNT_IDS.other,
      Amount: '12.34',
      ChargedOn: '2026-01-20',
      Description: 'Keys',
    };
    await addFault({ path: '/api/v0/charges', status: 429, times: 1 });
    expect((await send('POST', '/api/v0/charges', charge)).status).toBe(429);
    expect(server.sandbox.data.ledger).toHaveLength(count);
    await addFault({ path: '/api/v0/charges', status: 502, afterApply: true, times: 1 });
    expect((await send('POST', '/api/v0/charges', charge)).status).toBe(502);
    expect(server.sandbox.data.ledger).toHaveLength(count + 1);
    expect((await writes())['POST /api/v0/charges']).toEqual({ received: 2, applied: 1, rejected: 0, refused: 1 });
  });

  it('/_control/mutate posts new charges and payments (applied to open charges), with a new LastUpdatedAt', async () => {
    const count = server.sandbox.data.ledger.length;
    const res = await fetch(`${server.url}/_control/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ charges: 2, payments: 2 }),
    });
    expect(((await res.json()) as any).edited).toEqual({ charges: 2, payments: 2 });
    const added = server.sandbox.data.ledger.slice(count);
    expect(added.map((r) => [r.Type, r.Amount])).toEqual([
      ['Charge', '25.10'],
      ['Charge', '25.10'],
      ['Payment', '100.30'],
      ['Payment', '100.30'],
    ]);
    for (const p of added.filter((r) => r.Type === 'Payment')) {
      expect(p.AppliedTo.reduce((sum: number, a: any) => sum + cents(a.Amount), 0)).toBe(10030);
      expect(p.LastUpdatedAt > '2026-01-15T12:00:00Z').toBe(true);
    }
  });
});
