import { Prng } from '../kit/prng';

type Rec = Record<string, any>;

/** AppFolio's work order statuses: exact, case-sensitive strings (modelled; the vendor file names some). */
export const WORK_ORDER_STATUSES = [
  'New',
  'Estimate Requested',
  'Estimated',
  'Assigned',
  'Scheduled',
  'Waiting',
  'Work Done',
  'Ready to Bill',
  'Completed',
  'Work Completed',
  'Canceled',
];
export const WORK_ORDER_PRIORITIES = ['Urgent', 'Normal', 'Low'];
/** Users who are Maintenance Techs, the only ones AssignedUsers takes (modelled). */
export const MAINTENANCE_TECH_IDS = [9001, 9002, 9003];

/** A v0 work order as GET/POST/PATCH serve it: every field of docs/vendors/appfolio.md, absent ones null. */
export const WORK_ORDER_FIELDS = [
  'Id',
  'WorkOrderNumber',
  'PropertyId',
  'UnitId',
  'OccupancyId',
  'Status',
  'Priority',
  'WorkOrderType',
  'JobDescription',
  'Instructions',
  'PermissionToEnter',
  'VendorId',
  'AssignedUsers',
  'CreatedAt',
  'ScheduledStart',
  'ScheduledEnd',
  'WorkDoneOn',
  'CompletedOn',
  'Amount',
  'ServiceRequestDescription',
  'LastUpdatedAt',
] as const;

type Kind = 'id' | 'text' | 'boolean' | 'dateTime' | 'date' | 'ids' | 'status' | 'priority';

/** What POST takes (`true` = required) and what PATCH takes, by attribute. */
const CREATE: Record<string, { kind: Kind; required?: true }> = {
  PropertyId: { kind: 'id', required: true },
  UnitId: { kind: 'id' },
  OccupancyId: { kind: 'id' },
  JobDescription: { kind: 'text', required: true },
  Instructions: { kind: 'text' },
  Priority: { kind: 'priority' },
  Status: { kind: 'status' },
  VendorId: { kind: 'id' },
  AssignedUsers: { kind: 'ids' },
  ScheduledStart: { kind: 'dateTime' },
  ScheduledEnd: { kind: 'dateTime' },
  PermissionToEnter: { kind: 'boolean' },
};
const PATCH: Record<string, { kind: Kind }> = {
  Status: { kind: 'status' },
  Priority: { kind: 'priority' },
  JobDescription: { kind: 'text' },
  Instructions: { kind: 'text' },
  VendorId: { kind: 'id' },
  AssignedUsers: { kind: 'ids' },
  ScheduledStart: { kind: 'dateTime' },
  ScheduledEnd: { kind: 'dateTime' },
  CompletedOn: { kind: 'date' },
};

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A problem with one attribute: 400 for a malformed value (bad parameters), 422 for a semantic failure. */
export interface AttributeError {
  status: 400 | 422;
  attribute: string;
  message: string;
}

function problem(kind: Kind, value: unknown): AttributeError['message'] | null {
  switch (kind) {
    case 'id':
      return Number.isInteger(value) ? null : 'must be an integer id';
    case 'text':
      return typeof value === 'string' ? null : 'must be a string';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'dateTime':
      return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : 'must be a UTC date-time YYYY-MM-DDTHH:mm:ssZ';
    case 'date':
      return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : 'must be a date YYYY-MM-DD';
    case 'ids':
      return Array.isArray(value) && value.every((v) => Number.isInteger(v)) ? null : 'must be a list of user ids';
    case 'status':
    case 'priority':
      return typeof value === 'string' ? null : 'must be a string';
  }
}

/**
 * What is wrong with a work order body (`create` POST, else PATCH): malformed or unknown attributes (400),
 * then blank required ones, unknown statuses or priorities, users who are not Maintenance Techs (422).
 */
export function workOrderErrors(body: Rec, create: boolean): AttributeError[] {
  const specs: Record<string, { kind: Kind; required?: true }> = create ? CREATE : PATCH;
  const malformed: AttributeError[] = [];
  for (const [attribute, value] of Object.entries(body)) {
    const spec = specs[attribute];
    if (!spec) malformed.push({ status: 400, attribute, message: 'is not a writable attribute of a work order' });
    else if (value !== null) {
      const message = problem(spec.kind, value);
      if (message) malformed.push({ status: 400, attribute, message });
    }
  }
  if (malformed.length) return malformed;
  const semantic: AttributeError[] = [];
  for (const [attribute, spec] of Object.entries(specs))
    if (spec.required && (body[attribute] === undefined || body[attribute] === null || body[attribute] === ''))
      semantic.push({ status: 422, attribute, message: "can't be blank" });
  if (body.Status !== undefined && !WORK_ORDER_STATUSES.includes(body.Status))
    semantic.push({ status: 422, attribute: 'Status', message: `is not a work order status: ${String(body.Status)}` });
  if (body.Priority !== undefined && !WORK_ORDER_PRIORITIES.includes(body.Priority))
    semantic.push({
      status: 422,
      attribute: 'Priority',
      message: `must be one of ${WORK_ORDER_PRIORITIES.join(', ')}`,
    });
  if (Array.isArray(body.AssignedUsers) && body.AssignedUsers.some((id: number) => !MAINTENANCE_TECH_IDS.includes(id)))
    semantic.push({ status: 422, attribute: 'AssignedUsers', message: 'User not found' });
  return semantic;
}

/** The record as served: every field, absent ones null. */
export const workOrderView = (record: Rec): Rec =>
  Object.fromEntries(WORK_ORDER_FIELDS.map((field) => [field, record[field] ?? null]));

const WORK_ORDER_TYPES = ['Plumbing', 'Electrical', 'HVAC', 'Appliance', 'General Maintenance', 'Pest Control'];
const JOBS = [
  ['Kitchen sink leaking', 'Water pools under the kitchen sink cabinet.'],
  ['No heat in bedroom', 'The bedroom radiator stays cold.'],
  ['Replace smoke detector', 'Detector chirps every minute.'],
  ['Dishwasher not draining', 'Standing water after each cycle.'],
  ['Broken window latch', 'Living room window does not lock.'],
  ['Ants in pantry', 'Ants along the pantry baseboard.'],
] as const;
/** This database's vendors (modelled ids): a work order names at most one. */
export const WORK_ORDER_VENDOR_IDS = [7101, 7102, 7103, 7104];
const NOTE_BODIES = ['Called the resident', 'Parts ordered', 'Vendor on site', 'Resident confirmed the fix'];
const DONE = new Set(['Work Done', 'Ready to Bill', 'Completed', 'Work Completed']);

/**
 * Seeded v0 work orders, from a PRNG of their own (the other collections stay as they were for a seed): one per
 * second occupancy that has begun, every status and priority taken at least once, some with no unit (common
 * areas), vendor, users, schedule or instructions.
 */
export function generateWorkOrders(occupancies: readonly Rec[], seed: number, stampedAt: string): Rec[] {
  const prng = new Prng(seed * 104_729 + 7);
  const begun = occupancies.filter((o) => o.status !== 'Future' && o.status !== 'Vacant-Rented');
  return begun
    .filter((_, i) => i % 2 === 0)
    .map((occupancy, i) => {
      const Id = i + 1;
      const Status = WORK_ORDER_STATUSES[i] ?? prng.pick(WORK_ORDER_STATUSES);
      const [JobDescription, details] = prng.pick(JOBS);
      const created = `2025-${String(prng.int(1, 12)).padStart(2, '0')}-${String(prng.int(1, 28)).padStart(2, '0')}`;
      const commonArea = i % 7 === 3;
      const scheduled = prng.chance(0.6);
      const done = DONE.has(Status);
      return {
        Id,
        WorkOrderNumber: String(Id),
        PropertyId: occupancy.property_id,
        UnitId: commonArea ? null : occupancy.unit_id,
        OccupancyId: commonArea ? null : occupancy.occupancy_id,
        Status,
        Priority: WORK_ORDER_PRIORITIES[i] ?? prng.pick(WORK_ORDER_PRIORITIES),
        WorkOrderType: prng.pick(WORK_ORDER_TYPES),
        JobDescription,
        Instructions: prng.chance(0.5) ? 'Call the resident before entering' : null,
        PermissionToEnter: commonArea ? null : prng.chance(0.7),
        VendorId: prng.chance(0.6) ? prng.pick(WORK_ORDER_VENDOR_IDS) : null,
        AssignedUsers: prng
          .weighted([
            [[], 2],
            [[MAINTENANCE_TECH_IDS[i % 3]], 5],
            [[MAINTENANCE_TECH_IDS[(i + 1) % 3], MAINTENANCE_TECH_IDS[(i + 2) % 3]], 2],
          ] as const)
          .slice(),
        CreatedAt: `${created}T${String(prng.int(8, 17)).padStart(2, '0')}:15:00Z`,
        ScheduledStart: scheduled ? `${created}T13:00:00Z` : null,
        ScheduledEnd: scheduled ? `${created}T15:00:00Z` : null,
        WorkDoneOn: done ? created : null,
        CompletedOn: done && Status !== 'Work Done' ? created : null,
        Amount: done ? `${prng.int(40, 900)}.${String(prng.int(0, 99)).padStart(2, '0')}` : null,
        ServiceRequestDescription: prng.chance(0.8) ? details : null,
        LastUpdatedAt: stampedAt,
      };
    });
}

/** Seeded notes (oldest first) of about half the work orders, from their own PRNG. */
export function generateWorkOrderNotes(workOrders: readonly Rec[], seed: number): Map<number, Rec[]> {
  const prng = new Prng(seed * 15_485_863 + 11);
  const notes = new Map<number, Rec[]>();
  for (const w of workOrders) {
    const count = prng.weighted([
      [0, 2],
      [1, 1],
      [2, 1],
    ] as const);
    if (count === 0) continue;
    notes.set(
      w.Id,
      Array.from({ length: count }, (_, n) => ({
        Id: n + 1,
        Body: `${prng.pick(NOTE_BODIES)} (${n + 1})`,
        CreatedAt: `${w.CreatedAt.slice(0, 10)}T${String(18 + n).padStart(2, '0')}:00:00Z`,
      })),
    );
  }
  return notes;
}
