import { startYardiSandboxServer, YARDI_SANDBOX_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import { postCharge } from '../../src/sandbox/yardi/yardi-ledger';
import { windowSlices, yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import { soapAction, YARDI_SERVICE_REQUESTS } from '../../src/fetch/yardi/yardi.facts';
import { recordingClients } from '../support/recording-client';

const DAY = 86_400_000;
/** MM/DD/YYYY -> epoch ms of that UTC day. */
const dayOf = (us: string) => Date.UTC(Number(us.slice(6, 10)), Number(us.slice(0, 2)) - 1, Number(us.slice(3, 5)));

describe('Yardi incremental reads (docs/vendors/yardi.md: look-back window, 31-day slices)', () => {
  let server: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  const clients = recordingClients(yardiAdapter, () => server.url);
  /** The SOAP calls made: method, property and date window. */
  const calls = () =>
    clients.sent().map((request) => {
      const param = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(String(request.body))?.[1];
      return {
        action: request.headers?.SOAPAction,
        property: param('YardiPropertyId'),
        from: param('FromDate'),
        to: param('ToDate'),
      };
    });
  const listAll = async (model: 'resident_charges' | 'resident_payments' | 'service_requests', since?: Date) => {
    const records: any[] = [];
    for await (const page of clients.client(YARDI_SANDBOX_CREDENTIALS).listPages(model, { since }))
      records.push(...page.records);
    return records;
  };

  beforeAll(async () => {
    server = await startYardiSandboxServer({ residents: 80, seed: 5, unitsPerProperty: 15 });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  it('slices the window into consecutive ranges of at most 31 days, from the earlier of since and the look-back to tomorrow', () => {
    const now = new Date('2026-12-05T17:30:00Z');
    const recent = windowSlices(new Date('2026-12-01T10:00:00Z'), now);
    // since is within the 90-day look-back: the window starts 90 days back.
    expect(recent[0].FromDate).toBe('09/06/2026');
    expect(recent[recent.length - 1].ToDate).toBe('12/06/2026');
    const old = windowSlices(new Date('2025-12-05T23:59:00Z'), now);
    expect(old[0].FromDate).toBe('12/05/2025');
    for (const slices of [recent, old]) {
      for (const [i, s] of slices.entries()) {
        const span = (dayOf(s.ToDate) - dayOf(s.FromDate)) / DAY + 1;
        expect(span).toBeGreaterThanOrEqual(1);
        expect(span).toBeLessThanOrEqual(31);
        if (i > 0) expect(dayOf(s.FromDate)).toBe(dayOf(slices[i - 1].ToDate) + DAY);
      }
    }
    expect(old.length).toBe(Math.ceil((dayOf('12/06/2026') - dayOf('12/05/2025') + DAY) / (31 * DAY)));
  });

  it('reads charges and payments by charge date, per property and slice, the sandbox refusing none; a full pull reads them all', async () => {
    const since = new Date(Date.now() - 200 * DAY);
    const household = server.sandbox.data.customers.find((c) =>
      server.sandbox.data.transactions.some((t) => t.CustomerID === c.CustomerID),
    )!;
    const today = new Date().toISOString().slice(0, 10);
    const old = new Date(Date.now() - 150 * DAY).toISOString().slice(0, 10);
    const ancient = new Date(Date.now() - 400 * DAY).toISOString().slice(0, 10);
    const added = [today, old, ancient].map(
      (date) =>
        postCharge(server.sandbox.data, household, { code: 'late', description: 'Late fee', date, cents: 2510 }).Detail
          .TransactionID,
    );
    const charges = await listAll('resident_charges', since);
    const properties = server.sandbox.data.properties.map((p) => p.Code);
    const slices = windowSlices(since, new Date());
    expect(slices.length).toBeGreaterThan(6);
    expect(calls().slice(1)).toEqual(
      properties.flatMap((property) =>
        slices.map((s) => ({
          action: soapAction('GetResidentTransactions_ByChargeDate_Login'),
          property,
          from: s.FromDate,
          to: s.ToDate,
        })),
      ),
    );
    // Exactly the charges dated in the window: the two recent ones, not the one 400 days old.
    const inWindow = server.sandbox.data.transactions
      .filter((t) => t.element === 'Charge' && Date.parse(t.Detail.TransactionDate) >= Date.parse(old) - DAY)
      .map((t) => t.Detail.TransactionID)
      .sort();
    expect(charges.map((c) => c.Detail.TransactionID).sort()).toEqual(inWindow);
    expect(inWindow).toEqual(expect.arrayContaining(added.slice(0, 2)));
    expect(inWindow).not.toContain(added[2]);
    expect(charges.every((c) => c.HouseholdID === c.Detail.CustomerID && c.YardiPropertyId)).toBe(true);

    clients.forget();
    const full = await listAll('resident_payments');
    expect(new Set(calls().map((c) => c.action))).toEqual(
      new Set([soapAction('GetPropertyConfigurations'), soapAction('GetResidentTransactions_Login')]),
    );
    expect(full).toHaveLength(server.sandbox.data.transactions.filter((t) => t.element === 'Payment').length);
  });

  it('searches service requests with FromDate/ToDate over the window in one call per property; none found is an empty page', async () => {
    const since = new Date(Date.now() - 10 * DAY);
    const request = server.sandbox.data.service_requests[0];
    request.UpdateDate = new Date().toISOString().slice(0, 19);
    const found = await listAll('service_requests', since);
    const [slice] = [windowSlices(since, new Date())];
    expect(calls().slice(1)).toEqual(
      server.sandbox.data.properties.map((p) => ({
        action: soapAction('GetServiceRequest_Search', YARDI_SERVICE_REQUESTS),
        property: p.Code,
        from: slice[0].FromDate,
        to: slice[slice.length - 1].ToDate,
      })),
    );
    expect(found.map((r) => r.ServiceRequestId)).toEqual([request.ServiceRequestId]);
    expect(found[0].YardiPropertyId).toBe(request.PropertyCode);
    expect(await listAll('service_requests')).toHaveLength(server.sandbox.data.service_requests.length);
  });

  it('a Service Requests interface not configured for a property is a refusal, not an empty list', async () => {
    const property = server.sandbox.data.properties[0].Code;
    server.sandbox.reset({ unlicensed: [{ interface: 'ItfServiceRequests', property }] });
    await expect(listAll('service_requests')).rejects.toThrow(/not Configured/);
  });

  it("a full pull's residents, leases, charges and payments pulled at once: one GetResidentTransactions_Login per property, each model's records as read alone", async () => {
    const models = ['residents', 'leases', 'resident_charges', 'resident_payments'] as const;
    const pull = async (model: (typeof models)[number]) => {
      const records: any[] = [];
      for await (const page of clients.client(YARDI_SANDBOX_CREDENTIALS).listPages(model))
        records.push(...page.records);
      return records;
    };
    const apart: any[][] = [];
    for (const model of models) apart.push(await pull(model));
    const readsApart = calls().filter((c) => c.action?.includes('GetResidentTransactions_Login')).length;
    clients.forget();
    const together = await Promise.all(models.map(pull));
    expect(together).toEqual(apart);
    expect(together.every((records) => records.length > 0)).toBe(true);
    const reads = calls().filter((c) => c.action?.includes('GetResidentTransactions_Login'));
    const properties = new Set(reads.map((c) => c.property));
    expect(reads).toHaveLength(properties.size);
    expect(readsApart).toBe(4 * properties.size);
  });
});
