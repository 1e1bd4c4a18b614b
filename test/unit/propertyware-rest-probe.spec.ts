import {
  PROPERTYWARE_REST_SANDBOX_CREDENTIALS,
  startPropertywareRestSandboxServer,
} from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { propertywareRestAdapter } from '../../src/fetch/propertyware-rest/propertyware-rest.adapter';
import { recordingClients } from '../support/recording-client';

describe('Propertyware REST data-access probe against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startPropertywareRestSandboxServer>>;
  const clients = recordingClients(propertywareRestAdapter, () => server.url);
  const client = clients.client;
  const sent = clients.sent;

  beforeAll(async () => {
    server = await startPropertywareRestSandboxServer({ residents: 40, seed: 3, requestsPerSecond: 0 }); // the default credentials: full and limited
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  it('reads one tenant contact: a single GET with limit=1, not hydrated from the leases', async () => {
    await expect(client(PROPERTYWARE_REST_SANDBOX_CREDENTIALS).probe('residents')).resolves.toBeUndefined();
    expect(sent()).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/contacts',
        params: expect.objectContaining({ type: 'TENANT', offset: 0, limit: 1 }),
      }),
    ]);
    expect(server.sandbox.requestCount).toBe(1);
  });
});
