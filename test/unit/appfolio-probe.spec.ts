import {
  APPFOLIO_SANDBOX_CREDENTIALS,
  APPFOLIO_SANDBOX_LIMITED_CREDENTIALS,
  startAppfolioSandboxServer,
} from '../../src/sandbox/appfolio/appfolio-sandbox';
import { appfolioAdapter } from '../../src/fetch/appfolio/appfolio.adapter';
import { VendorAccessDeniedError, VendorAuthError } from '../../src/fetch/adapter/vendor-http';
import { recordingClients } from '../support/recording-client';

describe('AppFolio data-access probe against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startAppfolioSandboxServer>>;
  const clients = recordingClients(appfolioAdapter, () => server.url);
  const client = clients.client;
  const sent = clients.sent;

  beforeAll(async () => {
    // Small pages, so a report has a next_page_url the probe must not follow; the default credentials: full and limited.
    server = await startAppfolioSandboxServer({ residents: 40, seed: 3, pageSize: 5, requestBudget: null });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  it("reads the report's first page of its id column only: one POST, no next page, no tenant lookup", async () => {
    const full = client(APPFOLIO_SANDBOX_CREDENTIALS);
    await expect(full.probe('residents')).resolves.toBeUndefined();
    await expect(full.probe('units')).resolves.toBeUndefined();
    expect(sent()).toEqual([
      {
        method: 'POST',
        path: '/api/v2/reports/tenant_directory.json',
        body: { paginate_results: true, columns: ['tenant_id'] },
      },
      {
        method: 'POST',
        path: '/api/v2/reports/unit_directory.json',
        body: { paginate_results: true, columns: ['unit_id'] },
      },
    ]);
    expect(server.sandbox.requestCount).toBe(2);
    expect(server.sandbox.data.units.length).toBeGreaterThan(5); // so the first page had a next_page_url
  });

  it("with the limited credentials: tenant_directory is refused with AppFolio's own 403, property_directory is read", async () => {
    const limited = client(APPFOLIO_SANDBOX_LIMITED_CREDENTIALS);
    const denied = limited.probe('residents');
    await expect(denied).rejects.toBeInstanceOf(VendorAccessDeniedError);
    await expect(denied).rejects.toMatchObject({
      status: 403,
      retryable: false,
      message: expect.stringMatching(
        /HTTP 403.*"error":"Forbidden: these API credentials may not access \/api\/v2\/reports\/tenant_directory.json"/,
      ),
    });
    await expect(limited.probe('properties')).resolves.toBeUndefined();
    await expect(limited.probe('leases')).resolves.toBeUndefined();
  });

  it('refuses wrong credentials as an auth error', async () => {
    await expect(
      client({ ...APPFOLIO_SANDBOX_CREDENTIALS, clientSecret: 'wrong' }).probe('properties'),
    ).rejects.toBeInstanceOf(VendorAuthError);
  });
});
