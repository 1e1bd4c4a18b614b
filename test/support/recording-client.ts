import { OutboundGuard } from '../../src/platform/outbound/outbound-guard';
import type { VendorAdapter, VendorClient } from '../../src/fetch/adapter/vendor-adapter';
import { VendorHttp, type VendorRequest } from '../../src/fetch/adapter/vendor-http';

/**
 * Clients of one adapter against a local server (a sandbox), recording every request they ask VendorHttp
 * for; few attempts and short back-offs, so a refusal or a fault shows at once.
 */
export function recordingClients<Credentials>(adapter: VendorAdapter<Credentials>, baseUrl: () => string) {
  let spies: Array<jest.SpyInstance<Promise<unknown>, [VendorRequest]>> = [];
  return {
    client: (credentials: Credentials): VendorClient =>
      adapter.client(credentials, {
        baseUrl: baseUrl(),
        connect: (headers) => {
          const http = new VendorHttp({
            baseUrl: baseUrl(),
            headers,
            guard: new OutboundGuard(['127.0.0.0/8']),
            throttleBackoffMs: 5,
            maxAttempts: 2,
          });
          spies.push(jest.spyOn(http, 'request'));
          return http;
        },
        report: { rateLimits: () => undefined },
      }),
    /** Every request made since the last `forget`, in order. */
    sent: (): VendorRequest[] => spies.flatMap((spy) => spy.mock.calls.map(([request]) => request)),
    forget: () => {
      spies = [];
    },
  };
}
