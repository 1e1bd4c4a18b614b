import { idOrNull, isObject } from '../../normalise/normalise';
import { APPLICANT_ONLY, APPLICANT_STATUS, LEASE_ID_IS_APPLICATION } from './entrata.facts';
import { ID_FIELD } from './entrata.mapper';
import { liftAttributes, listOf } from './entrata.quirks';

type Json = Record<string, any>;

/**
 * One property's leases as getLeases lists them, kept only as ids: which are Applicant intervals (applications)
 * and who is on them, and which are leases and who is on those. getCustomers does not say which lease status a
 * customer's lease has; a customer's `LeaseId` and the leases' `customers.customer[]` do, as the contract gives
 * them. Memory is the property's lease and customer ids.
 */
export class PropertyApplications {
  private readonly applicationIds = new Set<string>();
  private readonly onApplications = new Set<string>();
  private readonly leaseIds = new Set<string>();
  private readonly onLeases = new Set<string>();

  /**
   * Reads one lease as getLeases sent it (`@attributes` lifted or not). A malformed one is read for what it
   * names: its mapping quarantines it in the leases job.
   */
  add(raw: unknown): void {
    const lease = liftAttributes(raw);
    if (!isObject(lease)) return;
    const application =
      typeof lease.leaseIntervalStatus === 'string' && lease.leaseIntervalStatus.trim() === APPLICANT_STATUS;
    const id = idOrNull(lease[ID_FIELD.leases]);
    if (id !== null) (application ? this.applicationIds : this.leaseIds).add(id);
    for (const customer of listOf(lease.customers, 'customer')) {
      const customerId = idOrNull((customer as Json | null)?.id);
      if (customerId !== null) (application ? this.onApplications : this.onLeases).add(customerId);
    }
  }

  /** None of the property's leases is an application: no customer of it is an applicant. */
  get none(): boolean {
    return this.applicationIds.size === 0 && this.onApplications.size === 0;
  }

  /**
   * A customer is an applicant when its leases are Applicant intervals only: its LeaseId is an application or an
   * application lists it, and no other lease names it (by its LeaseId or in its customer list).
   */
  isApplicant(customer: Json): boolean {
    const id = idOrNull(customer[ID_FIELD.residents]);
    const leaseId = idOrNull(customer.LeaseId);
    if ((id !== null && this.onLeases.has(id)) || (leaseId !== null && this.leaseIds.has(leaseId))) return false;
    return (leaseId !== null && this.applicationIds.has(leaseId)) || (id !== null && this.onApplications.has(id));
  }

  /**
   * A customer record as listed, marked APPLICANT_ONLY when it is an applicant, or LEASE_ID_IS_APPLICATION when it is
   * a resident whose LeaseId is an application; anything else passes through for the mapper.
   */
  mark(record: unknown): unknown {
    if (!isObject(record)) return record;
    if (this.isApplicant(record)) return { ...record, [APPLICANT_ONLY]: true };
    const leaseId = idOrNull(record.LeaseId);
    return leaseId !== null && this.applicationIds.has(leaseId)
      ? { ...record, [LEASE_ID_IS_APPLICATION]: true }
      : record;
  }
}
