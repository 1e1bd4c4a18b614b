import { IntegrationVendor } from '../generated/prisma/enums';
import { buildiumAdapter } from './buildium/buildium.adapter';
import type { VendorAdapter } from './vendor-adapter';

/** One line per vendor. */
const ADAPTERS: VendorAdapter<any>[] = [buildiumAdapter];

/**
 * Maps integration_vendor to its adapter. Built at boot; refuses to build when an adapter is listed twice,
 * so a vendor can never be served by two implementations.
 */
export class VendorRegistry {
  private readonly byVendor = new Map<IntegrationVendor, VendorAdapter<any>>();

  constructor(adapters: VendorAdapter<any>[] = ADAPTERS) {
    for (const adapter of adapters) {
      if (!Object.values(IntegrationVendor).includes(adapter.vendor)) throw new Error(`Adapter for unknown vendor ${adapter.vendor}`);
      if (this.byVendor.has(adapter.vendor)) throw new Error(`Two adapters for vendor ${adapter.vendor}`);
      this.byVendor.set(adapter.vendor, adapter);
    }
  }

  get(vendor: IntegrationVendor): VendorAdapter<any> | undefined {
    return this.byVendor.get(vendor);
  }

  /** Vendors with an adapter, i.e. those an integration can be created for. */
  supportedVendors(): IntegrationVendor[] {
    return [...this.byVendor.keys()];
  }
}
