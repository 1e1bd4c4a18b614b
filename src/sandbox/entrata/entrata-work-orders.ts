import { Prng } from '../kit/prng';
import { usDateOf as usDate } from '../kit/seeded-ledger';

type Rec = Record<string, any>;

/** The company's employees (getWorkOrderPickLists' CompanyEmployees, modelled): work orders name them in `assignedTo`. */
export const COMPANY_EMPLOYEES: Record<number, string> = { 501: 'Maria Lopez', 502: 'Sam Carter', 503: 'Dana Kim' };

/** Modelled maintenance statuses and priorities (the pick lists'); every one is seeded. */
const STATUSES = ['Open', 'In Progress', 'On Hold', 'Completed', 'Cancelled'];
const PRIORITIES = ['Low', 'Normal', 'High', 'Emergency'];
const PROBLEMS: ReadonlyArray<readonly [category: string, problem: string, description: string]> = [
  ['Plumbing', 'Leaking faucet', 'Kitchen faucet drips all night'],
  ['Plumbing', 'Clogged drain', 'Bathroom sink drains slowly'],
  ['Electrical', 'Outlet not working', 'Bedroom outlet has no power'],
  ['HVAC', 'No heat', 'Heater blows cold air'],
  ['Appliances', 'Fridge not cooling', 'Refrigerator is warm'],
];
const BUILDINGS = ['Building A', 'Building B', 'Clubhouse'];
const ID_BASE = 900_000;

const pad = (n: number) => String(n).padStart(2, '0');
/** A Mountain wall time MM/DD/YYYY HH:mm:ss (Entrata's times have no offset). */
const usDateTime = (iso: string, prng: Prng) =>
  `${usDate(iso)} ${pad(prng.int(7, 18))}:${pad(prng.int(0, 59))}:${pad(prng.int(0, 59))}`;

/**
 * getWorkOrders' work orders (docs/vendors/entrata.md, Service requests), about one per three leases with a customer,
 * from a PRNG of their own so the other collections stay the same for a seed: every status and priority, a unit by its
 * `unitNumber` or none (a common-area order), assigned to an employee by name or to no one, scheduled or not, some
 * deleted (`isDeleted` "1", listed only with includeDeletedWorkOrders 1). Stored with `propertyId`, which the API
 * takes from the request.
 */
export function generateEntrataWorkOrders(
  leases: readonly Rec[],
  units: readonly Rec[],
  customers: readonly Rec[],
  seed: number,
): Rec[] {
  const prng = new Prng(seed * 4099 + 71);
  const orders: Rec[] = [];
  const unitById = new Map(units.map((u) => [u.id, u]));
  const customerById = new Map(customers.map((c) => [c['@attributes'].Id as string, c]));
  leases
    .filter((lease) => (lease.customers?.customer ?? []).length > 0)
    .forEach((lease, i) => {
      if (i % 3 !== 0) return;
      const n = orders.length;
      const unit = unitById.get(lease.unitId);
      const customerId = lease.customers.customer[0].id as number;
      const customer = customerById.get(String(customerId));
      const [category, problem, description] = PROBLEMS[n % PROBLEMS.length];
      const created = prng.date(2025, 2026);
      const order: Rec = {
        propertyId: lease.propertyId,
        maintenanceRequestId: String(ID_BASE + n + 1),
        ...(n % 4 === 3 ? { buildingName: prng.pick(BUILDINGS) } : {}),
        // Every seventh is a common-area order: no unit, no resident.
        ...(n % 7 === 6 || !unit
          ? {}
          : {
              unitNumber: unit.unitNumber,
              customerId,
              nameFirst: customer?.FirstName,
              nameLast: customer?.LastName,
              ...(customer?.Email ? { emailAddress: customer.Email } : {}),
            }),
        createdOn: usDateTime(created, prng),
        ...(n % 3 === 2 ? {} : { assignedTo: COMPANY_EMPLOYEES[501 + (n % 3)] }),
        maintenanceStatus: STATUSES[n % STATUSES.length],
        maintenancePriority: PRIORITIES[n % PRIORITIES.length],
        maintenanceCategoryName: category,
        maintenanceProblem: problem,
        maintenanceDescription: `${description} (${lease.id})`,
        ...(n % 2 === 0
          ? { scheduledStartDate: `${usDate(created)} 09:00:00`, scheduledEndDate: `${usDate(created)} 11:00:00` }
          : {}),
        ...(n % 5 === 1 ? {} : { dueDate: usDate(created) }),
        permissionToEnter: n % 4 === 1 ? '0' : '1',
        ...(n % 4 === 1 ? { petInfo: 'Dog in the bedroom' } : {}),
        isDeleted: n % 11 === 10 ? '1' : '0',
      };
      orders.push(order);
    });
  return orders;
}
