import { leaseTransaction, READ_PAYMENT_METHODS } from '../../src/sandbox/buildium/buildium-ledger-dataset';
import { startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { FOREIGN_CREDENTIALS, startForeignBuildiumServer } from '../support/foreign-buildium-server';
import { assertValid } from '../support/propexo-schema';

const CREDS = { clientId: 'money-client', secret: 'money-secret' };
const READ_ONLY = { clientId: 'money-read-only', secret: 'money-secret', readOnly: true };
const BUILDIUM = 'buildium-openapi.json';
const closed = { closed: true };
const OPTIONS = { residents: 90, seed: 21, credentials: [CREDS, READ_ONLY] };
const headers = (creds: { clientId: string; secret: string } = CREDS, json = true) => ({
  'x-buildium-client-id': creds.clientId,
  'x-buildium-client-secret': creds.secret,
  ...(json ? { 'content-type': 'application/json' } : {}),
});
/** A decimal dollar amount in integer cents (what Latchkey stores). */
const inCents = (amount: number) => Math.round(amount * 100);
const linesInCents = (t: any) => t.Journal.Lines.reduce((sum: number, l: any) => sum + inCents(l.Amount), 0);

type Server = Awaited<ReturnType<typeof startBuildiumSandboxServer>>;

function client(server: () => { url: string }, creds = CREDS) {
  const get = async (path: string, h: Record<string, string> = headers(creds)) => {
    const res = await fetch(`${server().url}${path}`, { headers: h });
    return { status: res.status, total: res.headers.get('x-total-count'), body: (await res.json()) as any };
  };
  const send = async (method: string, path: string, body: unknown, h: Record<string, string> = headers()) => {
    const res = await fetch(`${server().url}${path}`, {
      method,
      headers: h,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** Every record of a list, read page by page by offset until X-Total-Count. */
  /** Every record of a list, read page by page by offset until X-Total-Count (a 429 is asked again). */
  const all = async (path: string, limit = 1000) => {
    const records: any[] = [];
    for (;;) {
      const page = await get(`${path}${path.includes('?') ? '&' : '?'}offset=${records.length}&limit=${limit}`);
      if (page.status === 429) continue;
      expect(page.status).toBe(200);
      records.push(...page.body);
      if (records.length >= Number(page.total) || page.body.length === 0) return records;
    }
  };
  return { get, send, all };
}

describe('Buildium sandbox: a generated LeaseTransactionMessage', () => {
  it('leaves absent fields out and keeps the message order, its journal lines sharing one GL account message', () => {
    const lease = { Id: 7, PropertyId: 3 };
    const lines = [
      { cents: 12_345, gl: 4000 },
      { cents: 5, gl: 4010, reference: 'R1' },
    ];
    const t = leaseTransaction(11, lease, 'Payment', '2026-01-02', undefined, lines, {
      PaymentMethod: 'Check',
      PayeeTenantId: 9,
      CheckNumber: undefined,
    });
    const account = (id: number, number: string, name: string) =>
      `{"Id":${id},"AccountNumber":"${number}","Name":"${name}","Type":"Income","SubType":"Income","IsBankAccount":false,"IsActive":true}`;
    expect(JSON.stringify(t)).toBe(
      '{"Id":11,"Date":"2026-01-02","TransactionType":"Payment","TransactionTypeEnum":"Payment","TotalAmount":123.5,' +
        '"LeaseId":7,"PaymentMethod":"Check","PayeeTenantId":9,"Journal":{"Lines":[' +
        `{"GLAccount":${account(4000, '4000', 'Rent Income')},"Amount":123.45,"IsCashPosting":true,"PropertyId":3},` +
        `{"GLAccount":${account(4010, '4010', 'Late Fee Income')},"Amount":0.05,"IsCashPosting":true,"ReferenceNumber":"R1","PropertyId":3}]}}`,
    );
    const again = leaseTransaction(12, lease, 'Charge', '2026-01-03', 'Rent', [{ cents: 1, gl: 4000 }]);
    expect(again.Journal.Lines[0].GLAccount).toBe(t.Journal.Lines[0].GLAccount);
    expect(Object.isFrozen(again.Journal.Lines[0].GLAccount)).toBe(true);
  });
});

describe('Buildium sandbox: resident requests, work orders and lease ledgers (reads)', () => {
  let server: Server;
  const { get, all } = client(() => server);
  const begun = () => server.sandbox.data.leases.filter((l) => l.LeaseStatus !== 'Future');

  beforeAll(async () => {
    server = await startBuildiumSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('serves every task, work order, category and ledger transaction in the closed shapes of buildium-openapi.json', async () => {
    const tasks = await all('/v1/tasks/residentrequests');
    expect(tasks.length).toBe(server.sandbox.data.tasks.length);
    for (const task of tasks) assertValid('ResidentRequestTaskMessage', task, BUILDIUM, closed);
    const workOrders = await all('/v1/workorders?type=ResidentRequest');
    expect(workOrders.length).toBe(server.sandbox.data.workorders.length);
    for (const order of workOrders) assertValid('WorkOrderMessage', order, BUILDIUM, closed);
    for (const category of await all('/v1/tasks/categories'))
      assertValid('TaskCategoryMessage', category, BUILDIUM, closed);
    let served = 0;
    for (const lease of server.sandbox.data.leases) {
      const ledger = await all(`/v1/leases/${lease.Id}/transactions`);
      for (const t of ledger) {
        assertValid('LeaseTransactionMessage', t, BUILDIUM, closed);
        expect(t.LeaseId).toBe(lease.Id);
      }
      served += ledger.length;
    }
    expect(served).toBe(server.sandbox.data.transactions.length);
    const single = server.sandbox.data.transactions[5];
    const one = await get(`/v1/leases/${single.LeaseId}/transactions/${single.Id}`);
    assertValid('LeaseTransactionMessage', one.body, BUILDIUM, closed);
    expect(one.body).toEqual(single);
  });

  it('seeds tasks in every status and priority, with and without a work order and vendor, joined on Task.Id', async () => {
    const tasks = await all('/v1/tasks/residentrequests');
    const workOrders = await all('/v1/workorders?type=ResidentRequest');
    const byTask = new Map(workOrders.map((w) => [w.Task.Id, w]));
    expect(new Set(tasks.map((t) => t.TaskStatus))).toEqual(
      new Set(['New', 'InProgress', 'Completed', 'Deferred', 'Closed']),
    );
    expect(new Set(tasks.map((t) => t.Priority))).toEqual(new Set(['Low', 'Normal', 'High']));
    for (const status of ['InProgress', 'Completed', 'Deferred', 'Closed']) {
      const ofStatus = tasks.filter((t) => t.TaskStatus === status);
      expect(ofStatus.some((t) => byTask.has(t.Id))).toBe(true);
      expect(ofStatus.some((t) => !byTask.has(t.Id))).toBe(true);
    }
    for (const order of workOrders) {
      const task = tasks.find((t) => t.Id === order.Task.Id);
      expect(order).toMatchObject({ Status: task.TaskStatus, Title: task.Title, VendorId: expect.any(Number) });
      expect(order.Task.UnitAgreement.Id).toBe(task.UnitAgreement.Id);
      // Amount is the lines' quantity × unit price, exact in cents.
      const amount = order.LineItems.reduce((s: number, l: any) => s + l.Quantity * inCents(l.UnitPrice), 0);
      expect(inCents(order.Amount)).toBe(amount);
    }
    // Each request names a lease its requester is on, and that lease's unit and rental.
    for (const task of tasks) {
      const lease = server.sandbox.data.leases.find((l) => l.Id === task.UnitAgreement.Id)!;
      expect(lease.Tenants.map((t: any) => t.Id)).toContain(task.RequestedByUserEntity.Id);
      expect(task).toMatchObject({ UnitId: lease.UnitId, Property: { Id: lease.PropertyId, Type: 'Rental' } });
    }
  });

  it('seeds a year of monthly rent per begun lease and its payments, every amount exact in cents', async () => {
    const methods = new Set<string>();
    let partialMonths = 0;
    let reversals = 0;
    for (const lease of begun()) {
      const ledger = await all(`/v1/leases/${lease.Id}/transactions`);
      const rent = ledger.filter((t) => t.TransactionTypeEnum === 'Charge' && t.Journal.Memo.startsWith('Rent for'));
      expect(rent).toHaveLength(12);
      expect(new Set(rent.map((t) => t.Date.slice(0, 7))).size).toBe(12);
      for (const t of rent) expect(inCents(t.TotalAmount)).toBe(inCents(lease.AccountDetails.Rent));
      for (const t of ledger) {
        // TotalAmount is the sum of the lines, to the cent.
        expect(inCents(t.TotalAmount)).toBe(linesInCents(t));
        expect(t.TotalAmount).toBe(linesInCents(t) / 100);
        if (t.PaymentMethod) methods.add(t.PaymentMethod);
        if (t.TransactionTypeEnum === 'ReversePayment') {
          reversals += 1;
          const reversed = ledger.find(
            (p) => p.TransactionTypeEnum !== 'ReversePayment' && p.PaymentMethod && p.TotalAmount === t.TotalAmount,
          );
          expect(reversed).toBeDefined();
        }
        if (t.Journal.Memo === 'Partial payment') partialMonths += 1;
      }
    }
    expect([...methods].sort()).toEqual([...READ_PAYMENT_METHODS].sort());
    expect(partialMonths).toBeGreaterThan(0);
    expect(reversals).toBeGreaterThan(0);
    // The cents edge cases: 0.10 + 0.20 is 0.3 exactly (not 0.30000000000000004), and a large amount.
    const utility = server.sandbox.data.transactions.find((t) => t.Journal.Memo === 'Utility true-up')!;
    expect(utility.Journal.Lines.map((l: any) => l.Amount)).toEqual([0.1, 0.2]);
    expect(utility.TotalAmount).toBe(0.3);
    const large = server.sandbox.data.transactions.filter((t) => t.Journal.Memo === 'Tenant improvement reimbursement');
    expect(large.map((t) => [t.TransactionTypeEnum, t.TotalAmount])).toEqual([
      ['Charge', 1234567.89],
      ['Payment', 1234567.89],
    ]);
  });

  it('GET /_control/ledgers/balances gives each lease its balance in cents, as the served ledger adds up', async () => {
    const balances = (await (await fetch(`${server.url}/_control/ledgers/balances`)).json()) as any;
    for (const lease of begun()) {
      const ledger = await all(`/v1/leases/${lease.Id}/transactions`);
      const sum = (types: string[]) =>
        ledger.filter((t) => types.includes(t.TransactionTypeEnum)).reduce((s, t) => s + inCents(t.TotalAmount), 0);
      const charged = sum(['Charge']);
      const paid = sum(['Payment', 'ElectronicFundsTransfer']);
      const reversed = sum(['ReversePayment']);
      expect(balances.leases[lease.Id]).toEqual({
        charges_in_cents: charged,
        payments_in_cents: paid,
        reversals_in_cents: reversed,
        balance_in_cents: charged - paid + reversed,
      });
    }
    // The seeded habits: the second ledger pays part of its last two months; the third has one payment reversed.
    const [, partial, reversedLedger] = begun();
    const rent = inCents(partial.AccountDetails.Rent);
    expect(balances.leases[partial.Id].balance_in_cents).toBe(2 * (rent - Math.round(rent * 0.55)));
    expect(balances.leases[reversedLedger.Id].balance_in_cents).toBe(inCents(reversedLedger.AccountDetails.Rent));
    const payer = reversedLedger.Tenants[0].Id;
    const paidBy = server.sandbox.data.transactions
      .filter((t) => t.PayeeTenantId === payer)
      .reduce((s, t) => s + (t.TransactionTypeEnum === 'ReversePayment' ? -1 : 1) * inCents(t.TotalAmount), 0);
    expect(balances.tenants[payer].paid_in_cents).toBe(paidBy);
  });

  it('pages a ledger by offset/limit with X-Total-Count; filters by repeated transactiontypes and a date window only', async () => {
    const lease = begun()[2];
    const full = await all(`/v1/leases/${lease.Id}/transactions`);
    expect(await all(`/v1/leases/${lease.Id}/transactions`, 7)).toEqual(full);
    const first = await get(`/v1/leases/${lease.Id}/transactions?limit=7`);
    expect(first.body).toHaveLength(7);
    expect(first.total).toBe(String(full.length));
    // Ordered by date.
    expect(full.map((t) => t.Date)).toEqual([...full.map((t) => t.Date)].sort());

    const charges = await all(`/v1/leases/${lease.Id}/transactions?transactiontypes=Charge`);
    expect(charges.length).toBeGreaterThan(0);
    expect(charges).toEqual(full.filter((t) => t.TransactionTypeEnum === 'Charge'));
    const payments = await all(
      `/v1/leases/${lease.Id}/transactions?transactiontypes=Payment&transactiontypes=ElectronicFundsTransfer`,
    );
    expect(payments).toEqual(
      full.filter((t) => ['Payment', 'ElectronicFundsTransfer'].includes(t.TransactionTypeEnum)),
    );

    const [from, to] = [full[3].Date, full[10].Date];
    const window = await all(`/v1/leases/${lease.Id}/transactions?transactiondatefrom=${from}&transactiondateto=${to}`);
    expect(window).toEqual(full.filter((t) => t.Date >= from && t.Date <= to));
    expect(window.length).toBeGreaterThan(0);
    expect(window.length).toBeLessThan(full.length);
    // No last-updated filter on a ledger: the parameter changes nothing.
    expect(await all(`/v1/leases/${lease.Id}/transactions?lastupdatedfrom=2099-01-01`)).toEqual(full);

    const bad = await get(
      `/v1/leases/${lease.Id}/transactions?transactiondatefrom=2025-01-01T00:00:00Z&transactiontypes=Rent`,
    );
    expect(bad.status).toBe(400);
    assertValid('ApiErrorResponse', bad.body, BUILDIUM, closed);
    expect(bad.body.Errors.map((e: any) => e.Key)).toEqual(['transactiondatefrom', 'transactiontypes']);
    expect((await get('/v1/leases/999999/transactions')).status).toBe(404);
    const otherLease = begun()[3];
    expect((await get(`/v1/leases/${otherLease.Id}/transactions/${full[0].Id}`)).status).toBe(404);
  });

  it('filters resident requests and work orders as the spec names them; lastupdatedfrom/to are dates', async () => {
    const tasks = await all('/v1/tasks/residentrequests');
    const inProgress = await all('/v1/tasks/residentrequests?statuses=InProgress&statuses=Deferred');
    expect(inProgress).toEqual(tasks.filter((t) => ['InProgress', 'Deferred'].includes(t.TaskStatus)));
    const lease = tasks[0].UnitAgreement.Id;
    expect(await all(`/v1/tasks/residentrequests?unitagreementid=${lease}`)).toEqual(
      tasks.filter((t) => t.UnitAgreement.Id === lease),
    );
    const day = tasks[4].LastUpdatedDateTime.slice(0, 10);
    const sameDay = await all(`/v1/tasks/residentrequests?lastupdatedfrom=${day}&lastupdatedto=${day}`);
    expect(sameDay.map((t) => t.Id)).toEqual(
      tasks.filter((t) => t.LastUpdatedDateTime.startsWith(day)).map((t) => t.Id),
    );
    expect(sameDay.map((t) => t.Id)).toContain(tasks[4].Id);
    const dateTime = await get(`/v1/tasks/residentrequests?lastupdatedfrom=${day}T00:00:00Z`);
    expect(dateTime.status).toBe(400);
    expect(dateTime.body.Errors).toEqual([{ Key: 'lastupdatedfrom', Value: expect.any(String) }]);

    const page = await get('/v1/tasks/residentrequests?offset=3&limit=4');
    expect(page.body.map((t: any) => t.Id)).toEqual(tasks.slice(3, 7).map((t) => t.Id));
    expect(page.total).toBe(String(tasks.length));

    const orders = await all('/v1/workorders?type=ResidentRequest');
    expect(await all('/v1/workorders?type=Todo')).toEqual([]);
    const taskIds = orders.slice(0, 2).map((o) => o.Task.Id);
    expect((await all(`/v1/workorders?taskids=${taskIds[0]}&taskids=${taskIds[1]}`)).map((o) => o.Task.Id)).toEqual(
      taskIds,
    );
  });

  it('POST /_control/mutate adds charges and payments to active ledgers and moves tasks to their next status', async () => {
    const count = server.sandbox.data.transactions.length;
    const before = (await (await fetch(`${server.url}/_control/ledgers/balances`)).json()) as any;
    const task = server.sandbox.data.tasks[0];
    const status = task.TaskStatus;
    const today = new Date().toISOString().slice(0, 10);
    const res = await fetch(`${server.url}/_control/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ charges: 2, payments: 1, tasks: 1 }),
    });
    expect(await res.json()).toEqual({ edited: { tasks: 1, charges: 2, payments: 1 } });
    const added = server.sandbox.data.transactions.slice(count);
    expect(added.map((t) => t.TransactionTypeEnum)).toEqual(['Charge', 'Charge', 'Payment']);
    for (const t of added) assertValid('LeaseTransactionMessage', t, BUILDIUM, closed);
    const after = (await (await fetch(`${server.url}/_control/ledgers/balances`)).json()) as any;
    // The second charge's lease (the payment went to the first one's).
    const lease = server.sandbox.data.leases.find((l) => l.Id === added[1].LeaseId)!;
    expect(added[2].LeaseId).not.toBe(lease.Id);
    expect(after.leases[lease.Id].balance_in_cents - before.leases[lease.Id].balance_in_cents).toBe(
      inCents(lease.AccountDetails.Rent),
    );
    expect(task.TaskStatus).not.toBe(status);
    const changedToday = await all(`/v1/tasks/residentrequests?lastupdatedfrom=${today}`);
    expect(changedToday.map((t) => t.Id)).toEqual([task.Id]);
    // A new charge is read in the ledger's date window of today.
    const window = await all(
      `/v1/leases/${lease.Id}/transactions?transactiondatefrom=${today}&transactiontypes=Charge`,
    );
    expect(window.map((t) => t.Id)).toContain(added[1].Id);
  });

  it('injected faults apply to the new reads', async () => {
    const lease = begun()[0];
    const path = `/v1/leases/${lease.Id}/transactions`;
    server.sandbox.faults.add({ path, status: 503, times: 1 });
    server.sandbox.faults.add({ path: '/v1/tasks/residentrequests', status: 429, times: 1 });
    expect((await get(path)).status).toBe(503);
    expect((await get(path)).status).toBe(200);
    expect((await get('/v1/tasks/residentrequests')).status).toBe(429);
    expect((await get('/v1/tasks/residentrequests')).status).toBe(200);
  });
});

describe('Buildium sandbox: resident request, work order, charge and payment writes', () => {
  let server: Server;
  const { get, send, all } = client(() => server);
  const writes = (operation: string) =>
    server.sandbox.writes.snapshot()[operation] ?? { received: 0, applied: 0, rejected: 0, refused: 0 };
  const balance = async (leaseId: number) =>
    ((await (await fetch(`${server.url}/_control/ledgers/balances`)).json()) as any).leases[leaseId]
      ?.balance_in_cents ?? 0;
  const leaseWithTenant = () => server.sandbox.data.leases.find((l) => l.LeaseStatus === 'Active' && l.Tenants.length)!;
  const taskPost = (extra: Record<string, unknown> = {}) => {
    const lease = leaseWithTenant();
    return {
      Title: 'Garbage disposal jammed',
      Description: 'It hums but does not turn.',
      UnitAgreementId: lease.Id,
      RequestedByEntityId: lease.Tenants[0].Id,
      TaskStatus: 'New',
      Priority: 'High',
      CategoryId: 31,
      SubCategoryId: 312,
      AssignedToUserId: 9_003,
      DueDate: '2026-02-01',
      IsEntryPermittedByResident: true,
      DoesResidentHavePets: false,
      ResidentEntryNotes: 'Key under the mat.',
      ...extra,
    };
  };

  beforeAll(async () => {
    server = await startBuildiumSandboxServer(OPTIONS);
  });
  afterAll(() => server.close());
  beforeEach(() => server.sandbox.reset(OPTIONS));

  it('creates a resident request (201 ResidentRequestTaskMessage) and its work order, both readable, each counted once', async () => {
    const created = await send('POST', '/v1/tasks/residentrequests', taskPost());
    expect(created.status).toBe(201);
    assertValid('ResidentRequestTaskMessage', created.body, BUILDIUM, closed);
    const lease = leaseWithTenant();
    expect(created.body).toMatchObject({
      Title: 'Garbage disposal jammed',
      TaskStatus: 'New',
      Priority: 'High',
      Category: { Id: 31, Name: 'Plumbing', SubCategory: { Id: 312, Name: 'Clog' } },
      UnitAgreement: { Id: lease.Id, Type: 'Lease' },
      UnitId: lease.UnitId,
      Property: { Id: lease.PropertyId },
      RequestedByUserEntity: { Type: 'RentalTenant', Id: lease.Tenants[0].Id },
      AssignedToUserId: 9_003,
      IsEntryPermittedByResident: true,
    });
    expect((await get(`/v1/tasks/residentrequests/${created.body.Id}`)).body).toEqual(created.body);

    const order = await send('POST', '/v1/workorders', {
      TaskId: created.body.Id,
      VendorId: 70_004,
      EntryAllowed: 'Yes',
      WorkDetails: 'It hums but does not turn.',
      VendorNotes: 'Bring an Allen key.',
      InvoiceNumber: 'INV-77',
      LineItems: [{ Quantity: 3, UnitPrice: 0.1, Memo: 'Parts' }],
    });
    expect(order.status).toBe(201);
    assertValid('WorkOrderMessage', order.body, BUILDIUM, closed);
    expect(order.body).toMatchObject({
      Task: { Id: created.body.Id, Type: 'ResidentRequest', Status: 'New' },
      VendorId: 70_004,
      EntryAllowed: 'Yes',
      Amount: 0.3,
    });
    expect((await all(`/v1/workorders?taskids=${created.body.Id}`)).map((o) => o.Id)).toEqual([order.body.Id]);
    expect(writes('POST /v1/tasks/residentrequests')).toMatchObject({ received: 1, applied: 1 });
    expect(writes('POST /v1/workorders')).toMatchObject({ received: 1, applied: 1 });
  });

  it('a task PUT replaces what it names and blanks what it leaves out; Message is kept as an update; Description is a 400', async () => {
    const task = (await send('POST', '/v1/tasks/residentrequests', taskPost())).body;
    const put = await send('PUT', `/v1/tasks/residentrequests/${task.Id}`, {
      Title: task.Title,
      TaskStatus: 'InProgress',
      Priority: 'Normal',
      Message: 'Plumber booked for Tuesday.',
    });
    expect(put.status).toBe(200);
    assertValid('ResidentRequestTaskMessage', put.body, BUILDIUM, closed);
    expect(put.body).toMatchObject({ TaskStatus: 'InProgress', Priority: 'Normal', Description: task.Description });
    for (const blanked of ['DueDate', 'AssignedToUserId', 'Category']) expect(put.body[blanked]).toBeUndefined();
    expect(server.sandbox.taskUpdateMessages(task.Id)).toEqual(['Plumber booked for Tuesday.']);
    expect(Date.parse(put.body.LastUpdatedDateTime)).toBeGreaterThanOrEqual(Date.parse(task.LastUpdatedDateTime));

    const refused = await send('PUT', `/v1/tasks/residentrequests/${task.Id}`, {
      Title: 'x',
      TaskStatus: 'Finished',
      Priority: 'Normal',
      Description: 'cannot change here',
    });
    expect(refused.status).toBe(400);
    assertValid('ApiErrorResponse', refused.body, BUILDIUM, closed);
    expect(refused.body.Errors.map((e: any) => e.Key)).toEqual(['Description', 'TaskStatus']);
    expect(writes('PUT /v1/tasks/residentrequests/{id}')).toMatchObject({ received: 2, applied: 1, rejected: 1 });
  });

  it('a work order PUT replaces the whole work order', async () => {
    const order = server.sandbox.data.workorders.find((o) => o.VendorNotes && o.InvoiceNumber)!;
    const put = await send('PUT', `/v1/workorders/${order.Id}`, { VendorId: 70_001, EntryAllowed: 'No' });
    expect(put.status).toBe(200);
    assertValid('WorkOrderMessage', put.body, BUILDIUM, closed);
    expect(put.body).toMatchObject({ VendorId: 70_001, EntryAllowed: 'No', LineItems: [], Amount: 0 });
    expect(put.body.VendorNotes).toBeUndefined();
    expect(put.body.InvoiceNumber).toBeUndefined();
    expect(put.body.Task.Id).toBe(order.TaskId);
  });

  it.each([
    [
      '/v1/tasks/residentrequests',
      { Title: '', TaskStatus: 'Open', UnitAgreementId: 1 },
      ['Title', 'TaskStatus', 'Priority', 'RequestedByEntityId'],
    ],
    [
      '/v1/workorders',
      { TaskId: 1, EntryAllowed: 'Maybe', InvoiceNumber: 'x'.repeat(51) },
      ['VendorId', 'EntryAllowed', 'InvoiceNumber'],
    ],
    [
      '/v1/leases/{lease}/charges',
      { Lines: [{ Amount: 0.1 + 0.2, GLAccountId: 4000 }, { Amount: -5 }], Memo: 'x'.repeat(66) },
      ['Memo', 'Lines[0].Amount', 'Lines[1].Amount', 'Lines[1].GLAccountId'],
    ],
    ['/v1/leases/{lease}/charges', { Lines: [] }, ['Lines']],
    [
      '/v1/leases/{lease}/payments',
      { Date: '2026-02-30T00:00', PaymentMethod: 'BuildiumEFT', Lines: [{ Amount: 10, GLAccountId: 4000 }] },
      ['Date', 'PaymentMethod', 'SendEmailReceipt'],
    ],
  ])('POST %s: 400 with Errors[].Key naming each malformed field, nothing applied', async (path, body, keys) => {
    const lease = leaseWithTenant();
    const before = JSON.stringify(server.sandbox.data);
    const res = await send('POST', path.replace('{lease}', String(lease.Id)), body);
    expect(res.status).toBe(400);
    assertValid('ApiErrorResponse', res.body, BUILDIUM, closed);
    expect(res.body.Errors.map((e: any) => e.Key)).toEqual(keys);
    expect(JSON.stringify(server.sandbox.data)).toBe(before);
  });

  it.each([
    ['/v1/tasks/residentrequests', () => taskPost({ RequestedByEntityId: 1 }), 'RequestedByEntityId'],
    ['/v1/tasks/residentrequests', () => taskPost({ AssignedToUserId: 1 }), 'AssignedToUserId'],
    ['/v1/tasks/residentrequests', () => taskPost({ SubCategoryId: 321 }), 'SubCategoryId'],
    ['/v1/workorders', () => ({ TaskId: 1, VendorId: 70_001, EntryAllowed: 'Yes' }), 'TaskId'],
    [
      '/v1/workorders',
      () => ({ TaskId: server.sandbox.data.tasks[0].Id, VendorId: 5, EntryAllowed: 'Yes' }),
      'VendorId',
    ],
    ['/v1/leases/{lease}/charges', () => ({ Lines: [{ Amount: 10, GLAccountId: 6100 }] }), 'Lines[0].GLAccountId'],
    [
      '/v1/leases/{lease}/payments',
      () => ({
        Date: '2026-01-02',
        PaymentMethod: 'Cash',
        SendEmailReceipt: false,
        PayeeUserId: 1,
        Lines: [{ Amount: 10, GLAccountId: 4000 }],
      }),
      'PayeeUserId',
    ],
  ])('POST %s: 422 for an id Buildium does not have or cannot use here (%#)', async (path, body, key) => {
    const res = await send('POST', path.replace('{lease}', String(leaseWithTenant().Id)), body());
    expect(res.status).toBe(422);
    assertValid('ApiErrorResponse', res.body, BUILDIUM, closed);
    expect(res.body.Errors.map((e: any) => e.Key)).toEqual([key]);
  });

  it('posts a charge: 201 with an array of one LeaseTransactionMessage, 0.10 + 0.20 exact, read in the ledger, counted once', async () => {
    const lease = leaseWithTenant();
    const before = await balance(lease.Id);
    const res = await send('POST', `/v1/leases/${lease.Id}/charges`, {
      Date: '2026-01-20',
      Memo: 'Water and sewer',
      Lines: [
        { Amount: 0.1, GLAccountId: 4100, ReferenceNumber: 'W-1' },
        { Amount: 0.2, GLAccountId: 4100 },
      ],
    });
    expect(res.status).toBe(201);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(1);
    const [charge] = res.body;
    assertValid('LeaseTransactionMessage', charge, BUILDIUM, closed);
    expect(charge).toMatchObject({
      TransactionTypeEnum: 'Charge',
      TotalAmount: 0.3,
      LeaseId: lease.Id,
      Date: '2026-01-20',
      Journal: { Memo: 'Water and sewer', Lines: [{ ReferenceNumber: 'W-1', PropertyId: lease.PropertyId }, {}] },
    });
    expect(await balance(lease.Id)).toBe(before + 30);
    const read = await get(`/v1/leases/${lease.Id}/transactions/${charge.Id}`);
    expect(read.body).toEqual(charge);
    expect(writes('POST /v1/leases/{leaseId}/charges')).toMatchObject({ received: 1, applied: 1, rejected: 0 });
  });

  it('posts a payment: 201 LeaseTransactionMessage with its method, payee and check number; large amounts stay exact', async () => {
    const lease = leaseWithTenant();
    const before = await balance(lease.Id);
    const res = await send('POST', `/v1/leases/${lease.Id}/payments`, {
      Date: '2026-01-21',
      PaymentMethod: 'Check',
      PayeeUserId: lease.Tenants[0].Id,
      ReferenceNumber: '4417',
      Memo: 'January rent',
      SendEmailReceipt: false,
      Lines: [
        { Amount: 98765432.1, GLAccountId: 4000 },
        { Amount: 0.09, GLAccountId: 4010 },
      ],
    });
    expect(res.status).toBe(201);
    assertValid('LeaseTransactionMessage', res.body, BUILDIUM, closed);
    expect(res.body).toMatchObject({
      TransactionTypeEnum: 'Payment',
      PaymentMethod: 'Check',
      PayeeTenantId: lease.Tenants[0].Id,
      CheckNumber: '4417',
      TotalAmount: 98765432.19,
    });
    expect(await balance(lease.Id)).toBe(before - 9_876_543_219);
    const payments = await all(
      `/v1/leases/${lease.Id}/transactions?transactiontypes=Payment&transactiondatefrom=2026-01-21&transactiondateto=2026-01-21`,
    );
    expect(payments.map((p) => p.Id)).toContain(res.body.Id);
    expect(writes('POST /v1/leases/{leaseId}/payments')).toMatchObject({ received: 1, applied: 1 });
  });

  it.each([
    ['/v1/tasks/residentrequests'],
    ['/v1/workorders'],
    ['/v1/leases/{lease}/charges'],
    ['/v1/leases/{lease}/payments'],
  ])(
    '%s: permission before the body (403 for a read-only key), then 400, 415 without JSON, 404 for an unknown record',
    async (template) => {
      const path = template.replace('{lease}', String(leaseWithTenant().Id));
      expect((await send('POST', path, {}, headers(READ_ONLY))).status).toBe(403);
      expect((await send('POST', path, {})).status).toBe(400);
      expect((await send('POST', path, '{}', headers(CREDS, false))).status).toBe(415);
      const unknown = template.includes('{lease}') ? template.replace('{lease}', '999999') : `${template}/999999999`;
      const valid: Record<string, unknown> = {
        '/v1/tasks/residentrequests': { Title: 'x', TaskStatus: 'New', Priority: 'Low' },
        '/v1/workorders': { VendorId: 70_001, EntryAllowed: 'Yes' },
        '/v1/leases/{lease}/charges': { Lines: [{ Amount: 1, GLAccountId: 4000 }] },
        '/v1/leases/{lease}/payments': {
          Date: '2026-01-01',
          PaymentMethod: 'Cash',
          SendEmailReceipt: false,
          Lines: [{ Amount: 1, GLAccountId: 4000 }],
        },
      };
      const method = template.includes('{lease}') ? 'POST' : 'PUT';
      expect((await send(method, unknown, valid[template])).status).toBe(404);
    },
  );

  it('an afterApply fault posts the charge, then answers the fault', async () => {
    const lease = leaseWithTenant();
    const path = `/v1/leases/${lease.Id}/charges`;
    server.sandbox.faults.add({ path, method: 'POST', afterApply: true, status: 502, times: 1 });
    const count = server.sandbox.data.transactions.length;
    const res = await send('POST', path, { Lines: [{ Amount: 12.34, GLAccountId: 4000 }] });
    expect(res.status).toBe(502);
    expect(server.sandbox.data.transactions.length - count).toBe(1);
    expect(writes('POST /v1/leases/{leaseId}/charges')).toMatchObject({ received: 1, applied: 1 });
  });
});

/** The independent foreign server (test/support, written from buildium.md alone) serves the same reads. */
describe('Foreign Buildium server: resident requests, work orders and lease ledgers', () => {
  let foreign: Awaited<ReturnType<typeof startForeignBuildiumServer>>;
  const { get, all } = client(() => foreign, FOREIGN_CREDENTIALS);
  /** One request, asked again after the foreign server's every-7th 429. */
  const once = async (path: string) => {
    for (;;) {
      const res = await get(path);
      if (res.status !== 429) return res;
    }
  };

  beforeAll(async () => {
    foreign = await startForeignBuildiumServer();
  });
  afterAll(() => foreign.close());

  it('serves records of the closed spec shapes, in small pages, with every task status and payment method', async () => {
    const tasks = await all('/v1/tasks/residentrequests');
    expect(tasks).toEqual(foreign.data.tasks);
    for (const task of tasks) assertValid('ResidentRequestTaskMessage', task, BUILDIUM, closed);
    expect(new Set(tasks.map((t) => t.TaskStatus)).size).toBe(5);
    const orders = await all('/v1/workorders?type=ResidentRequest');
    expect(orders).toEqual(foreign.data.workOrders);
    for (const order of orders) assertValid('WorkOrderMessage', order, BUILDIUM, closed);
    const methods = new Set<string>();
    for (const lease of foreign.data.leases) {
      const ledger = await all(`/v1/leases/${lease.Id}/transactions`);
      expect(ledger).toEqual(foreign.data.transactions.filter((t) => t.LeaseId === lease.Id));
      for (const t of ledger) {
        assertValid('LeaseTransactionMessage', t, BUILDIUM, closed);
        expect(inCents(t.TotalAmount)).toBe(linesInCents(t));
        if (t.PaymentMethod) methods.add(t.PaymentMethod);
      }
    }
    expect(methods.size).toBe(11);
    const page = await once(`/v1/leases/${foreign.data.transactions[0].LeaseId}/transactions?limit=1000`);
    expect(page.body.length).toBeLessThan(Number(page.total));
  }); // hundreds of small pages, each validated: seconds on a loaded machine (the unit tests' 60 s, jest.config.js)

  it('filters as the vendor file says: task dates are dates, ledgers by type and transaction date only', async () => {
    const day = foreign.data.tasks[0].LastUpdatedDateTime.slice(0, 10);
    const sameDay = await all(`/v1/tasks/residentrequests?lastupdatedfrom=${day}&lastupdatedto=${day}`);
    expect(sameDay).toEqual(foreign.data.tasks.filter((t) => t.LastUpdatedDateTime.startsWith(day)));
    expect(sameDay.length).toBeGreaterThan(1);
    expect((await once(`/v1/tasks/residentrequests?lastupdatedfrom=${day}T00:00:00Z`)).status).toBe(400);
    const leaseId = foreign.data.transactions[0].LeaseId;
    const ledger = foreign.data.transactions.filter((t) => t.LeaseId === leaseId);
    const payments = await all(
      `/v1/leases/${leaseId}/transactions?transactiontypes=Payment&transactiontypes=ElectronicFundsTransfer`,
    );
    expect(payments).toEqual(
      ledger.filter((t) => ['Payment', 'ElectronicFundsTransfer'].includes(t.TransactionTypeEnum)),
    );
    const from = ledger[ledger.length - 4].Date;
    expect(await all(`/v1/leases/${leaseId}/transactions?transactiondatefrom=${from}`)).toEqual(
      ledger.filter((t) => t.Date >= from),
    );
    expect(await all(`/v1/leases/${leaseId}/transactions?lastupdatedfrom=2099-01-01`)).toEqual(ledger);
    expect((await once('/v1/leases/1/transactions')).status).toBe(404);
  });
});
