import { EVERY_LEASE_ID_STRIDE, LEDGER_ID_BASE } from '../../src/sandbox/buildium/buildium-ledger-dataset';
import { createBuildiumSandbox, startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { assertValid } from '../support/propexo-schema';

// The Buildium sandbox's ledger seeding options (BuildiumDatasetOptions.ledgers): `every-lease` ledgers are
// generated on request and never stored, `none` seeds no ledger, the default stays as it was.
const CREDS = { clientId: 'seeding-client', secret: 'seeding-secret' };
const BASE = { residents: 90, seed: 21, credentials: [CREDS] };
const EVERY = { ...BASE, ledgers: 'every-lease' as const };
const headers = { 'x-buildium-client-id': CREDS.clientId, 'x-buildium-client-secret': CREDS.secret };
const inCents = (amount: number) => Math.round(amount * 100);
const linesInCents = (t: any) => t.Journal.Lines.reduce((sum: number, l: any) => sum + inCents(l.Amount), 0);
const EFFECT: Record<string, number> = { Charge: 1, Payment: -1, ElectronicFundsTransfer: -1, ReversePayment: 1 };

type Server = Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
/** The tests reading every lease's ledger over HTTP (about 100 requests): seconds on a machine busy with other work. */
const EVERY_LEDGER_TIMEOUT_MS = 30_000;

describe('Buildium sandbox: ledger seeding options', () => {
  let server: Server;
  const ledger = async (leaseId: number, query = '') => {
    const res = await fetch(`${server.url}/v1/leases/${leaseId}/transactions?limit=1000${query}`, { headers });
    expect(res.status).toBe(200);
    return (await res.json()) as any[];
  };
  const balances = async () => (await (await fetch(`${server.url}/_control/ledgers/balances`)).json()) as any;
  const begun = () => server.sandbox.data.leases.filter((l) => l.LeaseStatus !== 'Future');

  beforeAll(async () => {
    server = await startBuildiumSandboxServer(EVERY);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(EVERY));

  it(
    'every-lease: every begun lease has a year of ledger, served but not stored, in ids of its own',
    async () => {
      expect(server.sandbox.data.transactions).toEqual([]);
      const seen = new Set<number>();
      const all: any[] = [];
      for (const [n, lease] of begun().entries()) {
        const served = await ledger(lease.Id);
        const rent = served.filter((t) => t.Journal.Memo.startsWith('Rent for'));
        expect(rent).toHaveLength(12);
        for (const t of rent) expect(inCents(t.TotalAmount)).toBe(inCents(lease.AccountDetails.Rent));
        expect(
          served.some(
            (t) => t.TransactionTypeEnum === 'Payment' || t.TransactionTypeEnum === 'ElectronicFundsTransfer',
          ),
        ).toBe(true);
        for (const t of served) {
          // The shapes are the default ledgers' (one function makes both): the first leases' (every habit) are checked.
          if (n < 4) assertValid('LeaseTransactionMessage', t, 'buildium-openapi.json', { closed: true });
          expect(t.LeaseId).toBe(lease.Id);
          expect(inCents(t.TotalAmount)).toBe(linesInCents(t));
          const first = LEDGER_ID_BASE.transactions + n * EVERY_LEASE_ID_STRIDE;
          expect(t.Id).toBeGreaterThan(first);
          expect(t.Id).toBeLessThanOrEqual(first + EVERY_LEASE_ID_STRIDE);
          expect(seen.has(t.Id)).toBe(false);
          seen.add(t.Id);
        }
        const sorted = [...served].sort((a, b) => (a.Date < b.Date ? -1 : a.Date > b.Date ? 1 : a.Id - b.Id));
        expect(served).toEqual(sorted);
        all.push(...served);
      }
      // A year of charges and payments: about 25 money records per lease; the future leases have none.
      expect(all.length / begun().length).toBeGreaterThan(20);
      for (const lease of server.sandbox.data.leases.filter((l) => l.LeaseStatus === 'Future'))
        expect(await ledger(lease.Id)).toEqual([]);
      // The edge cases of the default ledgers are there too.
      expect(all.some((t) => t.Journal.Memo === 'Utility true-up' && t.TotalAmount === 0.3)).toBe(true);
      expect(all.some((t) => t.TotalAmount === 1_234_567.89)).toBe(true);
      expect(all.some((t) => t.TransactionTypeEnum === 'ReversePayment')).toBe(true);
    },
    EVERY_LEDGER_TIMEOUT_MS,
  );

  it(
    'every-lease: the same seed serves the same ledgers whatever the order they are read in, and the balances add them up',
    async () => {
      const leases = begun();
      const forwards = new Map<number, any[]>();
      for (const lease of leases) forwards.set(lease.Id, await ledger(lease.Id));
      const expected = await balances();
      server.sandbox.reset(EVERY);
      for (const lease of [...leases].reverse()) {
        const served = await ledger(lease.Id);
        expect(served).toEqual(forwards.get(lease.Id));
        // A filtered read is the same ledger, filtered.
        expect(await ledger(lease.Id, '&transactiontypes=Charge')).toEqual(
          served.filter((t) => t.TransactionTypeEnum === 'Charge'),
        );
        const balance = served.reduce((sum, t) => sum + (EFFECT[t.TransactionTypeEnum] ?? 0) * linesInCents(t), 0);
        expect(expected.leases[lease.Id].balance_in_cents).toBe(balance);
      }
      expect(Object.keys(expected.leases)).toHaveLength(leases.length);
      // Another sandbox with the same options, not served over HTTP, has the same balances.
      expect(createBuildiumSandbox(EVERY).balances()).toEqual(expected);
    },
    EVERY_LEDGER_TIMEOUT_MS,
  );

  it(
    'every-lease: leases changed after seeding keep their history; a write joins its ledger with a new id',
    async () => {
      const before = new Map<number, any[]>();
      for (const lease of begun()) before.set(lease.Id, await ledger(lease.Id));
      const res = await fetch(`${server.url}/_control/mutate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ leases: server.sandbox.data.leases.length, payments: 1 }),
      });
      expect(res.status).toBe(200);
      expect(server.sandbox.data.transactions).toHaveLength(1);
      const [payment] = server.sandbox.data.transactions;
      expect(payment.Id).toBe(LEDGER_ID_BASE.transactions + begun().length * EVERY_LEASE_ID_STRIDE + 1);
      for (const lease of begun()) {
        const after = await ledger(lease.Id);
        if (lease.Id !== payment.LeaseId) expect(after).toEqual(before.get(lease.Id));
        else {
          expect(after.filter((t) => t.Id !== payment.Id)).toEqual(before.get(lease.Id));
          expect(after.map((t) => t.Id)).toContain(payment.Id);
        }
      }
      const one = await fetch(`${server.url}/v1/leases/${payment.LeaseId}/transactions/${payment.Id}`, { headers });
      expect(await one.json()).toEqual(payment);
    },
    EVERY_LEDGER_TIMEOUT_MS,
  );

  it('none: no lease has a ledger, and every other collection is the default dataset', async () => {
    const none = createBuildiumSandbox({ ...BASE, ledgers: 'none' });
    const standard = createBuildiumSandbox(BASE);
    expect(standard.data.transactions.length).toBeGreaterThan(0);
    expect(none.data.transactions).toEqual([]);
    expect(none.balances()).toEqual({ leases: {}, tenants: {} });
    const { transactions: _none, ...rest } = none.data;
    const { transactions: _standard, ...standardRest } = standard.data;
    expect(rest).toEqual(standardRest);
    // And `first-leases`, named, is the default.
    expect(createBuildiumSandbox({ ...BASE, ledgers: 'first-leases' }).data).toEqual(standard.data);
    server.sandbox.reset({ ...BASE, ledgers: 'none' });
    expect(await ledger(begun()[0].Id)).toEqual([]);
  });
});
