import { Injectable } from '@nestjs/common';
import type { ReportedRateLimits } from '../fetch/adapter/vendor-adapter';
import { VendorStateRepository } from './vendor-state.repository';

/** Per-integration vendor state for other modules (the data-access check saves the limits its probes saw). */
@Injectable()
export class VendorStateService {
  constructor(private readonly vendorStates: VendorStateRepository) {}

  /** Upserts the latest rate limits the vendor reported, per API. */
  saveRateLimits(integrationId: string, limits: ReportedRateLimits[]): Promise<void> {
    return this.vendorStates.saveRateLimits(integrationId, limits);
  }
}
