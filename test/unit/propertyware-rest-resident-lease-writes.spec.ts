import { propertywareRestAdapter } from '../../src/fetch/propertyware-rest/propertyware-rest.adapter';
import { startPropertywareRestSandboxServer } from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { recordingClients } from '../support/recording-client';
import { writtenRecord } from '../support/written-record';

type Json = Record<string, any>;
const CREDS = { clientId: 'resident-lease-client', clientSecret: 'resident-lease-secret', systemId: '61' };

/**
 * A resident created on a lease (docs/vendors/propertyware-rest.md, residents create): POST /contacts, then the
 * lease names it (GET /leases/{id} → tenantIDs += the contact → PUT). A lease PUT that fails once the contact is
 * made makes the write partial, and a retried create (given the contact's id) only puts it on the lease.
 */
describe('PropertywareRestWriter: a resident created on a lease', () => {
  let server: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  const clients = recordingClients(propertywareRestAdapter, () => server.url);
  const writer = () => clients.client(CREDS).writer!;

  beforeAll(async () => {
    server = await startPropertywareRestSandboxServer({
      residents: 10,
      seed: 7,
      requestsPerSecond: 0,
      credentials: [CREDS],
    });
  });
  beforeEach(() => {
    clients.forget();
    server.sandbox.faults.clear();
  });
  afterAll(() => server.close());

  const writes = () =>
    clients
      .sent()
      .filter((s) => s.method !== 'GET')
      .map((s) => `${s.method} ${s.path}`);
  const contacts = () => server.sandbox.data.contacts.length;
  const leaseOf = (id: number) => server.sandbox.data.leases.find((l: Json) => l.id === id)!;
  const tenantsOf = (id: number) => (leaseOf(id).contacts as Json[]).map((c) => c.id);
  const aLease = () => server.sandbox.data.leases.find((l: Json) => l.status === 'Active' && l.contacts.length > 0)!;
  const fieldsFor = (leaseId: number, firstName: string) => ({
    lease_id: String(leaseId),
    first_name: firstName,
    last_name: 'Okafor',
  });

  it('creates the contact, then puts it on the lease; the record comes back with the lease', async () => {
    const lease = aLease();
    const before = contacts();
    const result = await writtenRecord(writer(), {
      model: 'residents',
      operation: 'create',
      fields: fieldsFor(lease.id, 'Wren'),
    });
    expect(writes()).toEqual(['POST /contacts', `PUT /leases/${lease.id}`]);
    expect(result).toMatchObject({ status: 'SUCCESS', errors: [] });
    expect(result.partialErrors ?? []).toEqual([]);
    expect((result.record as Json).leases.map((l: Json) => l.id)).toEqual([lease.id]);
    expect(contacts() - before).toBe(1);
    expect(tenantsOf(lease.id)).toContain(Number(result.xId));
  });

  it('a failed lease PUT after the contact is a partial write; the retried create puts the contact on the lease alone', async () => {
    const lease = aLease();
    const tenantsBefore = tenantsOf(lease.id);
    server.sandbox.faults.add({ path: `/leases/${lease.id}`, method: 'PUT', status: 409, times: 1 });
    const before = contacts();
    const fields = fieldsFor(lease.id, 'Saoirse');
    const first = await writtenRecord(writer(), { model: 'residents', operation: 'create', fields });
    const xId = first.xId!;
    expect(xId).toEqual(expect.any(String));
    expect(first.status).toBe('PARTIAL_SUCCESS');
    expect(first.errors[0]).toBe(
      `contact ${xId} was created, but not put on lease ${lease.id}, so it is no tenant (no resident) yet; ` +
        'retry-write puts it on the lease and creates no second contact',
    );
    expect(first.errors.slice(1).join(' ')).toMatch(/409/);
    // Not a tenant of any lease, so not a resident the cache could hold: no record, nothing read back.
    expect(first.record).toBeNull();
    expect(contacts() - before).toBe(1);
    expect(tenantsOf(lease.id)).toEqual(tenantsBefore);

    clients.forget();
    const retried = await writtenRecord(writer(), { model: 'residents', operation: 'create', xId, fields });
    expect(writes()).toEqual([`PUT /leases/${lease.id}`]);
    expect(retried).toMatchObject({ xId, status: 'SUCCESS', errors: [] });
    expect(contacts() - before).toBe(1);
    expect(tenantsOf(lease.id)).toEqual([...tenantsBefore, Number(xId)]);
    expect(retried.record).toMatchObject({ id: Number(xId), type: 'TENANT', firstName: 'Saoirse' });
    expect((retried.record as Json).leases.map((l: Json) => l.id)).toEqual([lease.id]);

    // Retried again (say its answer was lost): the lease names the contact already, so nothing is written.
    clients.forget();
    const again = await writtenRecord(writer(), { model: 'residents', operation: 'create', xId, fields });
    expect(writes()).toEqual([]);
    expect(again).toMatchObject({ xId, status: 'SUCCESS', errors: [] });
    expect(contacts() - before).toBe(1);
    expect(tenantsOf(lease.id)).toEqual([...tenantsBefore, Number(xId)]);
  });

  it('a retry whose lease PUT fails again stays partial and creates nothing', async () => {
    const lease = aLease();
    server.sandbox.faults.add({ path: `/leases/${lease.id}`, method: 'PUT', status: 409, times: 2 });
    const before = contacts();
    const fields = fieldsFor(lease.id, 'Tadhg');
    const first = await writer().write({ model: 'residents', operation: 'create', fields });
    clients.forget();
    const retried = await writer().write({ model: 'residents', operation: 'create', xId: first.xId!, fields });
    expect(writes()).toEqual([`PUT /leases/${lease.id}`]);
    expect(retried).toEqual({ xId: first.xId, partialErrors: first.partialErrors });
    expect(contacts() - before).toBe(1);
    expect(tenantsOf(lease.id)).not.toContain(Number(first.xId));
  });
});
