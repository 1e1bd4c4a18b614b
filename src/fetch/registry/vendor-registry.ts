import { IntegrationVendor } from '../../generated/prisma/enums';
import { appfolioAdapter } from '../appfolio/appfolio.adapter';
import { buildiumAdapter } from '../buildium/buildium.adapter';
import { entrataAdapter } from '../entrata/entrata.adapter';
import { propertywareRestAdapter } from '../propertyware-rest/propertyware-rest.adapter';
import { writeSupport, type VendorAdapter } from '../adapter/vendor-adapter';
import {
  CANONICAL_MODEL_NAMES,
  WRITE_OPERATIONS,
  type CanonicalModelName,
  type WriteOperation,
} from '../../catalogue/canonical-models';
import { yardiAdapter } from '../yardi/yardi.adapter';

/** One line per vendor. */
const ADAPTERS: VendorAdapter<any>[] = [
  buildiumAdapter,
  propertywareRestAdapter,
  appfolioAdapter,
  yardiAdapter,
  entrataAdapter,
];

/**
 * Maps integration_vendor to its adapter. Built at boot; refuses to build when a vendor has no adapter or
 * two, so every vendor the API accepts is served by exactly one implementation.
 */
export class VendorRegistry {
  private readonly byVendor = new Map<IntegrationVendor, VendorAdapter<any>>();

  constructor(adapters: VendorAdapter<any>[] = ADAPTERS) {
    for (const adapter of adapters) {
      if (!Object.values(IntegrationVendor).includes(adapter.vendor))
        throw new Error(`Adapter for unknown vendor ${adapter.vendor}`);
      if (this.byVendor.has(adapter.vendor)) throw new Error(`Two adapters for vendor ${adapter.vendor}`);
      this.byVendor.set(adapter.vendor, adapter);
    }
    const missing = Object.values(IntegrationVendor).filter((vendor) => !this.byVendor.has(vendor));
    if (missing.length > 0)
      throw new Error(`No adapter for vendor${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }

  get(vendor: IntegrationVendor): VendorAdapter<any> | undefined {
    return this.byVendor.get(vendor);
  }

  /** Vendors with an adapter, i.e. those an integration can be created for. */
  supportedVendors(): IntegrationVendor[] {
    return [...this.byVendor.keys()];
  }
}

/**
 * The write operations at least one vendor's adapter sends: the write API serves (and documents) these; a model's
 * operation no adapter has built yet gets no route until one does. `writable`: every field some vendor writes.
 */
export const BUILT_WRITES: ReadonlyArray<{ model: CanonicalModelName; operation: WriteOperation; writable: string[] }> =
  CANONICAL_MODEL_NAMES.flatMap((model) =>
    WRITE_OPERATIONS.map((operation) => ({
      model,
      operation,
      writable: ADAPTERS.flatMap((adapter) => {
        const support = writeSupport(adapter, model, operation);
        return support.supported ? support.fields.writable : [];
      }),
    })).filter(({ model, operation }) => ADAPTERS.some((adapter) => writeSupport(adapter, model, operation).supported)),
  ).map((write) => ({ ...write, writable: [...new Set(write.writable)] }));
