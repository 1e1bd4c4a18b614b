import {
  PROPERTYWARE_REST_SANDBOX_CREDENTIALS,
  PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS,
  startPropertywareRestSandboxServer,
} from '../../src/sandbox/propertyware-rest/propertyware-rest-sandbox';
import { propertywareRestAdapter } from '../../src/fetch/propertyware-rest/propertyware-rest.adapter';
import { VendorAccessDeniedError, VendorAuthError } from '../../src/fetch/adapter/vendor-http';
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

  it("with the limited credentials: contacts are refused with Propertyware's own 403, buildings are read", async () => {
    const limited = client(PROPERTYWARE_REST_SANDBOX_LIMITED_CREDENTIALS);
    const denied = limited.probe('residents');
    await expect(denied).rejects.toBeInstanceOf(VendorAccessDeniedError);
    await expect(denied).rejects.toMatchObject({
      status: 403,
      retryable: false,
      message: expect.stringMatching(
        /HTTP 403.*"errorCode":"FORBIDDEN".*don't have permissions to access the resources/,
      ),
    });
    await expect(limited.probe('properties')).resolves.toBeUndefined();
    await expect(limited.probe('leases')).resolves.toBeUndefined();
  });

  it('refuses wrong credentials as an auth error', async () => {
    await expect(
      client({ ...PROPERTYWARE_REST_SANDBOX_CREDENTIALS, systemId: '9999' }).probe('properties'),
    ).rejects.toBeInstanceOf(VendorAuthError);
  });
});
