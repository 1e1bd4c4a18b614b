import { BUILDIUM_SANDBOX_CREDENTIALS, startBuildiumSandboxServer } from '../../src/sandbox/buildium/buildium-sandbox';
import { buildiumAdapter } from '../../src/fetch/buildium/buildium.adapter';
import { recordingClients } from '../support/recording-client';

describe('Buildium data-access probe against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startBuildiumSandboxServer>>;
  const clients = recordingClients(buildiumAdapter, () => server.url);
  const client = clients.client;
  const sent = clients.sent;

  beforeAll(async () => {
    server = await startBuildiumSandboxServer({ residents: 40, seed: 3 }); // the default credentials: full and limited
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  it('reads one record of the model: a single GET with limit=1', async () => {
    await expect(client(BUILDIUM_SANDBOX_CREDENTIALS).probe('residents')).resolves.toBeUndefined();
    expect(sent()).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/v1/leases/tenants',
        params: expect.objectContaining({ offset: 0, limit: 1 }),
      }),
    ]);
    expect(server.sandbox.requestCount).toBe(1);
  });
});
