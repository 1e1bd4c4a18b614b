import { FIRST_NAMES, LAST_NAMES, Prng } from '../kit/prng';

type Rec = Record<string, any>;

export const WORK_ORDER_ID_BASE = 31_500_000;
/** Work order statuses are free text configured per organisation (the spec says only "current status"); modelled. */
export const WORK_ORDER_STATUSES = ['Open', 'Scheduled', 'In Progress', 'On Hold', 'Completed', 'Closed', 'Cancelled'];
/** The spec's enums: every value is seeded. */
export const WORK_ORDER_PRIORITIES = ['HIGH', 'MEDIUM', 'LOW'] as const;
export const AUTHORIZE_ENTER = ['NO', 'ANYTIME', 'SPECIFIEDTIME'] as const;
const CATEGORIES = ['Plumbing', 'Electrical', 'HVAC', 'Appliance', 'General Maintenance'];
const TYPES = ['Service Request', 'Service Request', 'Service Request', 'General', 'Turnover'];
const SOURCES = ['Tenant Portal', 'Telephone', 'Email', 'In Person'];
const PROBLEMS = [
  'Kitchen faucet drips constantly',
  'Bedroom outlet has no power',
  'Heat does not come on',
  'Dishwasher will not drain',
  'Front door lock sticks',
  'Smoke detector chirping',
];
/** This organisation's vendors (BasicVendor), assigned to work orders. */
export const WORK_ORDER_VENDORS = [
  { id: 6_200_001, name: 'Rapid Rooter Plumbing' },
  { id: 6_200_002, name: 'Bright Spark Electric' },
  { id: 6_200_003, name: 'Four Seasons HVAC' },
  { id: 6_200_004, name: 'Handy & Sons' },
];

const shiftDays = (date: string, days: number) =>
  new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Work orders (`WorkOrder`, GET /workorders): about one per three leases, from a PRNG of their own so the other
 * collections stay as they were. Every status, priority and authorizeEnter value appears (the first orders take
 * them in turn); some are on a building without a unit, some name their unit in `unitIDs` only, some have no
 * priority or no vendor, some two vendors. `requestedBy` is the tenant's name and `lease` the lease's name, as
 * the spec describes them.
 */
export function generatePropertywareWorkOrders(
  leases: readonly Rec[],
  units: readonly Rec[],
  contacts: readonly Rec[],
  seed: number,
  modifiedAt: string,
): Rec[] {
  const prng = new Prng(seed * 6007 + 41);
  const unitsById = new Map(units.map((u) => [u.id, u]));
  const contactsById = new Map(contacts.map((c) => [c.id, c]));
  const count = Math.max(10, Math.ceil(leases.length / 3));
  const orders: Rec[] = [];
  for (let n = 0; n < count; n++) {
    const lease = leases[(n * 7) % leases.length];
    const unit = unitsById.get(lease.unitID)!;
    const requester = contactsById.get(lease.contacts[0]?.id);
    const status = n < WORK_ORDER_STATUSES.length ? WORK_ORDER_STATUSES[n] : prng.pick(WORK_ORDER_STATUSES);
    const created = prng.date(2025, 2025);
    const done = status === 'Completed' || status === 'Closed';
    const authorizeEnter = n === 3 ? undefined : AUTHORIZE_ENTER[n % 3];
    // Building-wide (no unit) every ninth; the unit named in unitIDs only every fifth.
    const place = n % 9 === 8 ? 'building' : n % 5 === 4 ? 'unitIDs' : 'unit';
    const vendorCount = n % 6 === 5 ? 2 : prng.chance(0.3) ? 0 : 1;
    const vendors = prng.chance(0.5) ? WORK_ORDER_VENDORS : [...WORK_ORDER_VENDORS].reverse();
    const order: Rec = {
      id: WORK_ORDER_ID_BASE + n + 1,
      number: n + 1,
      buildingID: lease.buildingID,
      portfolioID: lease.portfolioID,
      ...(place === 'unit' ? { unitID: unit.id, unitIDs: [unit.id] } : {}),
      ...(place === 'unitIDs' ? { unitIDs: [unit.id] } : {}),
      ...(place === 'building' ? { unitIDs: [] } : {}),
      location: place === 'building' ? `Building ${lease.buildingID}` : `Unit ${unit.name}`,
      status,
      ...(n === 5 ? {} : { priority: WORK_ORDER_PRIORITIES[n % 3] }),
      category: prng.pick(CATEGORIES),
      type: prng.pick(TYPES),
      source: prng.pick(SOURCES),
      description: prng.pick(PROBLEMS),
      ...(authorizeEnter ? { authorizeEnter } : {}),
      ...(authorizeEnter === 'SPECIFIEDTIME' ? { dateToEnter: `${shiftDays(created, 2)}T15:00:00Z` } : {}),
      ...(status !== 'Open' ? { startDate: shiftDays(created, 1), scheduledEndDate: shiftDays(created, 5) } : {}),
      ...(done ? { completedDate: shiftDays(created, 4) } : {}),
      ...(requester && place !== 'building'
        ? { requestedBy: `${requester.firstName} ${requester.lastName}`, lease: lease.leaseName }
        : { requestedBy: `${prng.pick(FIRST_NAMES)} ${prng.pick(LAST_NAMES)}` }),
      assignedVendors: vendors.slice(0, vendorCount).map((v) => ({ ...v })),
      approved: done,
      age: 30,
      createdBy: 'Pat Admin',
      createdDateTime: `${created}T13:${String(n % 60).padStart(2, '0')}:00Z`,
      lastModifiedBy: 'Pat Admin',
      lastModifiedDateTime: modifiedAt,
    };
    orders.push(order);
  }
  return orders;
}
