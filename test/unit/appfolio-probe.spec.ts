import { APPFOLIO_SANDBOX_CREDENTIALS, startAppfolioSandboxServer } from '../../src/sandbox/appfolio/appfolio-sandbox';
import { appfolioAdapter } from '../../src/fetch/appfolio/appfolio.adapter';
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
});
