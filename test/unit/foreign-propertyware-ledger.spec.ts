import { sendPastThrottle } from '../support/send-past-throttle';
import {
  FOREIGN_PW_CREDENTIALS,
  startForeignPropertywareRestServer,
} from '../support/foreign-propertyware-rest-server';
import { assertValid } from '../support/propexo-schema';

const SPEC = 'propertyware-openapi.json';
const HEADERS = {
  'x-propertyware-client-id': FOREIGN_PW_CREDENTIALS.clientId,
  'x-propertyware-client-secret': FOREIGN_PW_CREDENTIALS.clientSecret,
  'x-propertyware-system-id': FOREIGN_PW_CREDENTIALS.systemId,
  'content-type': 'application/json',
};

/** The foreign Propertyware server's lease ledger: what the adapter will meet besides our own sandbox. */
describe('foreign Propertyware server: lease charges and payments', () => {
  let server: Awaited<ReturnType<typeof startForeignPropertywareRestServer>>;
  const send = sendPastThrottle(() => server.url, HEADERS);
  /** Every record, following offset paging (pages of two). */
  const all = async (path: string) => {
    const records: any[] = [];
    for (let offset = 0; ; offset += 2) {
      const page = (await (
        await send('GET', `${path}${path.includes('?') ? '&' : '?'}offset=${offset}`)
      ).json()) as any[];
      records.push(...page);
      if (page.length < 2) return records;
    }
  };

  beforeEach(async () => {
    server = await startForeignPropertywareRestServer();
  });
  afterEach(() => server.close());

  it('serves spec-valid ChargeTx and Payment records, filtered by leaseID and postDate', async () => {
    const charges = await all('/leases/charges');
    const payments = await all('/leases/payments');
    expect(charges).toHaveLength(6);
    expect(payments).toHaveLength(2);
    for (const c of charges) assertValid('ChargeTx', c, SPEC);
    for (const p of payments) assertValid('Payment', p, SPEC);
    expect((await all('/leases/charges?postDateStart=2026-01-01&postDateEnd=2026-01-01')).map((c) => c.id)).toEqual([
      71004, 71005,
    ]);
    expect(await all('/leases/payments?leaseID=550020')).toEqual([]);
  });

  it('creates a charge and a payment from SaveCharge / SavePayment, refusing an unknown lease or a payer off the lease', async () => {
    const charge = await send('POST', '/leases/charges', {
      leaseID: 550021,
      amount: 0.3,
      date: '2026-01-20',
      glAccountID: 4001,
      comments: 'Meter',
    });
    expect(charge.status).toBe(201);
    const created = (await charge.json()) as any;
    assertValid('ChargeTx', created, SPEC);
    expect(created).toMatchObject({ portfolioID: 90017, amountDue: 0.3, amountPaid: 0 });
    const payment = {
      leaseID: 550021,
      contactID: 3007,
      amount: 0.3,
      date: '2026-01-21',
      depositDate: '2026-01-21',
      destinationAccountID: 1010,
      paymentType: 'CHECK',
      refNo: '77',
    };
    expect((await send('POST', '/leases/payments', payment)).status).toBe(201);
    expect((await send('POST', '/leases/payments', { ...payment, contactID: 3011 })).status).toBe(400);
    expect(
      (await send('POST', '/leases/charges', { leaseID: 1, amount: 1, date: '2026-01-20', glAccountID: 4001 })).status,
    ).toBe(400);
    const { refNo: _refNo, ...withoutRefNo } = payment;
    expect((await send('POST', '/leases/payments', withoutRefNo)).status).toBe(400);
  });
});
