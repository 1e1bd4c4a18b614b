import { buildiumAdapter } from '../../src/fetch/buildium/buildium.adapter';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import type { CanonicalModelName } from '../../src/catalogue/canonical-models';
import { recordingClients } from '../support/recording-client';
import { sandboxControl } from '../support/sync-helpers';

type Json = Record<string, any>;
const CREDENTIALS = { clientId: 'ledger-client', secret: 'ledger-secret' };

/**
 * How the Buildium client reads resident requests and lease ledgers (buildium.md): requests joined with their
 * work orders, one ledger call series per lease with the model's transaction types, and what a later sync asks.
 */
describe('Buildium client: resident requests and lease ledgers', () => {
  let server: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  const clients = recordingClients(buildiumAdapter as never, () => server.url);

  beforeAll(async () => {
    server = await startBuildiumSandboxServer({ residents: 60, seed: 5, credentials: [CREDENTIALS] });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  async function list(model: CanonicalModelName, since?: Date) {
    const pages: Json[][] = [];
    for await (const page of clients.client(CREDENTIALS).listPages(model, { since }))
      pages.push(page.records as Json[]);
    return pages;
  }
  const control = (method: string, path: string, body: unknown) => sandboxControl(server.url)(method, path, body);
  const ledgerCalls = () => clients.sent().filter((r) => /^\/v1\/leases\/\d+\/transactions/.test(r.path ?? ''));

  it('reads every lease ledger once, with the payment types and their reversals, in pages of at most 1,000', async () => {
    const pages = await list('resident_payments');
    const wanted = server.sandbox.data.transactions.filter((t: Json) =>
      ['Payment', 'ElectronicFundsTransfer', 'ReversePayment', 'ReverseElectronicFundsTransfer'].includes(
        t.TransactionTypeEnum,
      ),
    );
    expect(
      pages
        .flat()
        .map((t) => t.Id)
        .sort(),
    ).toEqual(wanted.map((t: Json) => t.Id).sort());
    expect(pages.every((p) => p.length <= 1000)).toBe(true);
    const calls = ledgerCalls();
    expect(calls.map((c) => Number(/\/v1\/leases\/(\d+)\//.exec(c.path!)![1])).sort()).toEqual(
      server.sandbox.data.leases.map((l: Json) => l.Id).sort(),
    );
    for (const call of calls) {
      expect(call.path).toMatch(
        /\?transactiontypes=Payment&transactiontypes=ElectronicFundsTransfer&transactiontypes=ReversePayment&transactiontypes=ReverseElectronicFundsTransfer$/,
      );
      expect(call.params).toEqual({ offset: 0, limit: 1000, transactiondatefrom: undefined });
    }
  });

  it('charges and payments pulled at once read each lease ledger once, for both, and each gets exactly its rows', async () => {
    const [charges, payments] = await Promise.all([list('resident_charges'), list('resident_payments')]);
    const ids = (types: string[]) =>
      server.sandbox.data.transactions
        .filter((t: Json) => types.includes(t.TransactionTypeEnum))
        .map((t: Json) => t.Id)
        .sort();
    expect(
      charges
        .flat()
        .map((t) => t.Id)
        .sort(),
    ).toEqual(ids(['Charge']));
    expect(
      payments
        .flat()
        .map((t) => t.Id)
        .sort(),
    ).toEqual(ids(['Payment', 'ElectronicFundsTransfer', 'ReversePayment', 'ReverseElectronicFundsTransfer']));
    const calls = ledgerCalls();
    expect(calls.map((c) => Number(/\/v1\/leases\/(\d+)\//.exec(c.path!)![1])).sort()).toEqual(
      server.sandbox.data.leases.map((l: Json) => l.Id).sort(),
    );
    for (const call of calls)
      expect(call.path).toMatch(
        /\?transactiontypes=Charge&transactiontypes=Payment&transactiontypes=ElectronicFundsTransfer&transactiontypes=ReversePayment&transactiontypes=ReverseElectronicFundsTransfer$/,
      );
  });

  it('a later sync reads 90 days of transaction dates before its checkpoint, and skips leases that ended before them', async () => {
    const since = new Date();
    const from = new Date(since.getTime() - 90 * 86_400_000).toISOString().slice(0, 10);
    // A lease that ended long ago, with charges on its ledger.
    const old = server.sandbox.data.leases.find((l: Json) =>
      server.sandbox.data.transactions.some((t: Json) => t.LeaseId === l.Id && t.TransactionTypeEnum === 'Charge'),
    );
    if (!old) throw new Error('the sandbox has no lease with charges');
    await control('PATCH', `leases/${old.Id}`, {
      LeaseStatus: 'Past',
      LeaseFromDate: '2019-01-01',
      LeaseToDate: '2019-12-31',
    });
    const charges = (await list('resident_charges', since)).flat();
    const wanted = server.sandbox.data.transactions.filter(
      (t: Json) => t.TransactionTypeEnum === 'Charge' && t.Date >= from && t.LeaseId !== old.Id,
    );
    expect(charges.map((t) => t.Id).sort()).toEqual(wanted.map((t: Json) => t.Id).sort());
    const calls = ledgerCalls();
    for (const call of calls) expect(call.params).toMatchObject({ transactiondatefrom: from });
    const ended = server.sandbox.data.leases.filter((l: Json) => l.LeaseStatus === 'Past' && l.LeaseToDate < from);
    expect(ended.length).toBeGreaterThan(0);
    expect(calls.length).toBe(server.sandbox.data.leases.length - ended.length);
  });

  it('joins each request with its work orders, and a later sync reads again a request whose work order alone changed', async () => {
    const requests = (await list('service_requests')).flat();
    expect(requests).toHaveLength(server.sandbox.data.tasks.length);
    for (const request of requests) {
      const orders = server.sandbox.data.workorders.filter((w: Json) => w.TaskId === request.Id);
      expect(request.WorkOrders.map((w: Json) => w.Id).sort()).toEqual(orders.map((w: Json) => w.Id).sort());
    }
    expect(requests.some((r) => r.WorkOrders.length > 0)).toBe(true);

    const since = new Date();
    const order = server.sandbox.data.workorders[0];
    await control('PATCH', `workorders/${order.Id}`, { VendorNotes: 'Gate code changed' });
    clients.forget();
    const later = (await list('service_requests', since)).flat();
    const changedToday = server.sandbox.data.tasks.filter(
      (t: Json) => t.LastUpdatedDateTime.slice(0, 10) >= since.toISOString().slice(0, 10),
    );
    expect(later.map((t) => t.Id).sort()).toEqual(
      [...new Set([...changedToday.map((t: Json) => t.Id), order.TaskId])].sort(),
    );
    const reread = later.find((t) => t.Id === order.TaskId)!;
    expect(reread.WorkOrders.find((w: Json) => w.Id === order.Id).VendorNotes).toBe('Gate code changed');
    const taskCalls = clients.sent().filter((r) => r.path === '/v1/tasks/residentrequests');
    expect(taskCalls.every((c) => c.params?.lastupdatedfrom === since.toISOString().slice(0, 10))).toBe(true);
  });
});
