import { ENTRATA_SANDBOX_CREDENTIALS, startEntrataSandboxServer } from '../../src/sandbox/entrata/entrata-sandbox';
import { entrataAdapter } from '../../src/fetch/entrata/entrata.adapter';
import { recordingClients } from '../support/recording-client';

describe('Entrata data-access probe against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startEntrataSandboxServer>>;
  const clients = recordingClients(entrataAdapter, () => server.url);
  const client = clients.client;
  /** The methods the client called, with their params. */
  const calls = () =>
    clients.sent().map((request) => {
      const { name, params } = (request.body as { method: { name: string; params: object } }).method;
      return { path: request.path, name, params };
    });

  beforeAll(async () => {
    server = await startEntrataSandboxServer({ residents: 40, seed: 3 }); // the default credentials: full and limited
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  it('reads the properties, then one record of the model for the first property only (residents: of the leases that tell applicants apart too)', async () => {
    const full = client(ENTRATA_SANDBOX_CREDENTIALS);
    await expect(full.probe('residents')).resolves.toBeUndefined();
    await expect(full.probe('units')).resolves.toBeUndefined();
    const first = String(server.sandbox.data.properties[0].PropertyID);
    expect(calls()).toEqual([
      { path: '/properties', name: 'getProperties', params: {} },
      { path: '/customers', name: 'getCustomers', params: { propertyId: first, pageNo: 1, perPageCount: 1 } },
      {
        path: '/leases',
        name: 'getLeases',
        params: { propertyId: first, leaseStatusTypeIds: '1,2,3,4,5,6', pageNo: 1, perPageCount: 1 },
      },
      { path: '/properties', name: 'getProperties', params: {} },
      { path: '/propertyunits', name: 'getPropertyUnits', params: { propertyIds: first } },
    ]);
    expect(server.sandbox.requestCount).toBe(5);
  });

  it('succeeds with nothing to read when there is no property', async () => {
    server.sandbox.data.properties.length = 0;
    await expect(client(ENTRATA_SANDBOX_CREDENTIALS).probe('leases')).resolves.toBeUndefined();
    expect(calls().map((c) => c.name)).toEqual(['getProperties']);
  });
});
