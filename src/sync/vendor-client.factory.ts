import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../platform/common/crypto/secret-box';
import { APP_CONFIG, type RuntimeConfig } from '../platform/config/config.module';
import { Metrics } from '../platform/observability/metrics';
import { OutboundGuard } from '../platform/outbound/outbound-guard';
import type { ReportedRateLimits, VendorAdapter, VendorClient } from '../fetch/adapter/vendor-adapter';
import { VendorHttp, type VendorExchange } from '../fetch/adapter/vendor-http';
import type { SyncIntegration } from './integration-record.repository';
import { IntegrationRequestGate, requestIntervalMs } from './vendor-request-gate';
import { VendorStateRepository } from './vendor-state.repository';

/** A vendor client of one integration, and the rate limits the vendor reported since they were last taken. */
export interface OpenedClient {
  client: VendorClient;
  /** The latest limits per API since the last call (empty when none were reported). */
  takeRateLimits: () => ReportedRateLimits[];
}

/**
 * Opens vendor clients for syncs and data-access checks alike: the integration's credentials decrypted,
 * its base URL (else the vendor's), and every request under the integration's one budget and circuit,
 * shared by every worker through PostgreSQL.
 */
@Injectable()
export class VendorClientFactory {
  constructor(
    private readonly secrets: SecretBox,
    private readonly guard: OutboundGuard,
    private readonly vendorStates: VendorStateRepository,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /**
   * `write`: the client of a write job, whose requests go ahead of sync requests in the integration's budget and
   * whose every exchange with the vendor is told to `exchanges` (the write log).
   */
  open(
    integration: SyncIntegration,
    adapter: VendorAdapter,
    write?: { exchanges: (exchange: VendorExchange) => void },
  ): OpenedClient {
    const credentials = this.secrets.openJson<unknown>(integration.credentials_encrypted);
    const baseUrl = integration.base_url ?? adapter.facts.defaultBaseUrl ?? '';
    const policy = {
      failureThreshold: this.config.vendorCircuitFailures,
      openMs: this.config.vendorCircuitOpenMs,
      maxOpenMs: 20 * this.config.vendorCircuitOpenMs,
    };
    const gate = new IntegrationRequestGate(
      this.vendorStates,
      integration.id,
      requestIntervalMs(integration),
      policy,
      undefined,
      write !== undefined,
    );
    const rateLimits = new Map<string, ReportedRateLimits>();
    const client = adapter.client(credentials, {
      baseUrl,
      connect: (headers) =>
        new VendorHttp({
          baseUrl,
          headers,
          guard: this.guard,
          throttleBackoffMs: adapter.facts.throttleBackoffMs,
          maxAttempts: this.config.vendorRequestAttempts,
          ...(write ? { timeoutMs: this.config.vendorWriteTimeoutMs } : {}),
          gate,
          observer: this.metrics.vendorRequestObserver(integration.vendor),
          exchanges: write?.exchanges,
        }),
      report: { rateLimits: (limits) => void rateLimits.set(limits.api, limits) },
    });
    return {
      client,
      takeRateLimits: () => {
        const latest = [...rateLimits.values()];
        rateLimits.clear();
        return latest;
      },
    };
  }
}
