import { startYardiSandboxServer, YARDI_SANDBOX_CREDENTIALS } from '../../src/sandbox/yardi/yardi-sandbox';
import { yardiAdapter } from '../../src/fetch/yardi/yardi.adapter';
import { soapAction } from '../../src/fetch/yardi/yardi.facts';
import { recordingClients } from '../support/recording-client';

describe('Yardi data-access probe against the sandbox', () => {
  let server: Awaited<ReturnType<typeof startYardiSandboxServer>>;
  const clients = recordingClients(yardiAdapter, () => server.url);
  const client = clients.client;
  /** The SOAP calls the client made: method and YardiPropertyId. */
  const calls = () =>
    clients.sent().map((request) => ({
      action: request.headers?.SOAPAction,
      propertyId: /<YardiPropertyId>([^<]*)<\/YardiPropertyId>/.exec(String(request.body))?.[1],
    }));

  beforeAll(async () => {
    server = await startYardiSandboxServer({ residents: 40, seed: 3, unitsPerProperty: 5 }); // the default credentials: full and limited
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.sandbox.reset();
    clients.forget();
  });

  it("reads the properties, then the model's method for the first property only", async () => {
    const full = client(YARDI_SANDBOX_CREDENTIALS);
    await expect(full.probe('properties')).resolves.toBeUndefined();
    await expect(full.probe('residents')).resolves.toBeUndefined();
    const first = server.sandbox.data.properties[0].Code;
    expect(server.sandbox.data.properties.length).toBeGreaterThan(1);
    expect(calls()).toEqual([
      { action: soapAction('GetPropertyConfigurations'), propertyId: undefined },
      { action: soapAction('GetPropertyConfigurations'), propertyId: undefined },
      { action: soapAction('GetResidentTransactions_Login'), propertyId: first },
    ]);
    expect(server.sandbox.requestCount).toBe(3);
  });

  it('succeeds with nothing to read when there is no property', async () => {
    server.sandbox.data.properties.length = 0;
    await expect(client(YARDI_SANDBOX_CREDENTIALS).probe('units')).resolves.toBeUndefined();
    expect(calls().map((c) => c.action)).toEqual([soapAction('GetPropertyConfigurations')]);
  });
});
