import {
  addSendableHeaders,
  customHeaderProblems,
  forbiddenHeaderReason,
} from '../../src/deliver/webhooks/webhook-headers';

describe('custom webhook headers', () => {
  it.each([
    'Host',
    'host',
    'HOST',
    'Connection',
    'Content-Length',
    'Transfer-Encoding',
    'Upgrade',
    'TE',
    'Trailer',
    'Keep-Alive',
    'Proxy-Authorization',
    'proxy-connection',
    'PROXY-Anything',
    'Content-Type',
    'User-Agent',
    'Propexo-Signature',
    'Webhook-Signature',
    'webhook-id',
    'WEBHOOK-TIMESTAMP',
    'Webhook-Anything-New',
  ])('refuses %s, naming it', (name) => {
    const reason = forbiddenHeaderReason(name);
    expect(reason).toEqual(expect.stringContaining(name));
  });

  it.each([
    'X-Tenant',
    'Authorization',
    'X-Webhook-Id',
    'Proxied-By',
    'Hosting',
    'Content-Language',
    'Tenant-Webhook-Key',
  ])('allows %s', (name) => {
    expect(forbiddenHeaderReason(name)).toBeNull();
  });

  it('says why: routing, framing, or a header Latchkey sets', () => {
    expect(forbiddenHeaderReason('host')).toMatch(/URL decides where a delivery goes/);
    expect(forbiddenHeaderReason('Transfer-Encoding')).toMatch(/framed or forwarded/);
    expect(forbiddenHeaderReason('Proxy-Authorization')).toMatch(/framed or forwarded/);
    expect(forbiddenHeaderReason('webhook-signature')).toMatch(/Latchkey sets it/);
  });

  it('names each refused header by its position in the list', () => {
    expect(
      customHeaderProblems([
        { header: 'X-Ok', value: '1' },
        { header: 'host', value: 'evil' },
        { header: 'Webhook-Id', value: 'x' },
      ]),
    ).toEqual({
      'headers.1.header': [expect.stringMatching(/^host cannot be set/)],
      'headers.2.header': [expect.stringMatching(/^Webhook-Id cannot be set/)],
    });
    expect(customHeaderProblems([{ header: 'X-Ok', value: '1' }])).toEqual({});
  });

  it('sends the allowed stored headers, lower-cased, and reports the ones it dropped', () => {
    const headers: Record<string, string> = { 'user-agent': 'Latchkey-Webhooks/1.0' };
    const dropped = addSendableHeaders(headers, [
      { header: 'X-Tenant', value: 'acme' },
      { header: 'host', value: 'evil' },
      { header: 'User-Agent', value: 'spoofed' },
      { header: 'Proxy-Authorization', value: 'Basic x' },
    ]);
    expect(headers).toEqual({ 'user-agent': 'Latchkey-Webhooks/1.0', 'x-tenant': 'acme' });
    expect(dropped).toEqual(['host', 'User-Agent', 'Proxy-Authorization']);
    expect(addSendableHeaders({}, [{ header: 'X-Tenant', value: 'acme' }])).toBeNull();
  });
});
