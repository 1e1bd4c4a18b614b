import { sendPastThrottle } from '../support/send-past-throttle';
import { decimalCents } from '../support/decimal-cents';
import { FOREIGN_CREDENTIALS, startForeignAppfolioServer } from '../support/foreign-appfolio-server';

const HEADERS = {
  authorization: `Basic ${Buffer.from(`${FOREIGN_CREDENTIALS.clientId}:${FOREIGN_CREDENTIALS.clientSecret}`).toString('base64')}`,
  'X-AppFolio-Developer-ID': FOREIGN_CREDENTIALS.developerId,
  'content-type': 'application/json',
};
/** Amount text with thousands separators to cents, without floats. */
const cents = (text: string) => decimalCents(text.replace(/,/g, ''));

/** The foreign AppFolio server's v0 tenant ledger: what the adapter will meet besides our own sandbox. */
describe('foreign AppFolio server: tenant ledgers and charges', () => {
  let server: Awaited<ReturnType<typeof startForeignAppfolioServer>>;
  const send = sendPastThrottle(() => server.url, HEADERS);
  const ledger = async (query: string) => {
    const rows: any[] = [];
    let path: string | null = `/api/v0/tenant_ledgers?${query}`;
    while (path) {
      const page = (await (await send('GET', path)).json()) as any;
      rows.push(...page.data);
      path = page.next_page_path;
    }
    return rows;
  };

  beforeEach(async () => {
    server = await startForeignAppfolioServer();
  });
  afterEach(() => server.close());

  it('pages the ledger by PostedOn; charges less payments and credits is what the charges still owe', async () => {
    const rows = await ledger('filters[PostedOnFrom]=2025-01-01');
    expect(rows.map((r) => r.Id)).toEqual([5501, 5502, 5503, 5504, 5505, 5506, 5507]);
    const sign = (r: any) => (r.Type === 'Payment' || r.Type === 'Credit' ? -1 : 1);
    const net = rows.reduce((sum, r) => sum + sign(r) * cents(r.Amount), 0);
    const due = rows.filter((r) => r.Type === 'Charge').reduce((sum, r) => sum + cents(r.AmountDue), 0);
    expect(net).toBe(due);
    expect(due).toBe(117500 + 9876543210);
    const payment = rows.find((r) => r.Type === 'Payment');
    expect(payment.AppliedTo.reduce((sum: number, a: any) => sum + cents(a.Amount), 0)).toBe(cents(payment.Amount));
    expect((await ledger('filters[PostedOnFrom]=2026-01-01&filters[PostedOnTo]=2026-01-02')).map((r) => r.Id)).toEqual([
      5505, 5506,
    ]);
    expect((await send('GET', '/api/v0/tenant_ledgers')).status).toBe(400);
  });

  it('creates a charge (201 {"Id"}) found by reading its day, and refuses a blank body with 422', async () => {
    const res = await send('POST', '/api/v0/charges', {
      OccupancyId: 700,
      GlAccountId: 40500,
      Amount: '0.30',
      ChargedOn: '2026-01-20',
      Description: 'Water',
    });
    expect(res.status).toBe(201);
    const { Id } = (await res.json()) as any;
    const day = await ledger('filters[PostedOnFrom]=2026-01-20&filters[PostedOnTo]=2026-01-20');
    expect(day.map((r) => [String(r.Id), r.Amount, r.AmountDue])).toEqual([[Id, '0.30', '0.30']]);
    const blank = await send('POST', '/api/v0/charges', {});
    expect(blank.status).toBe(422);
    expect(((await blank.json()) as any).errors).toHaveLength(5);
  });
});
