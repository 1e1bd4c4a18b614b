import { Prng } from '../kit/prng';
import { SERVICE_REQUEST_VALUES } from './yardi-writes';

type Rec = Record<string, any>;

/** What residents report (brief ≤ 35 characters, as CreateOrEditServiceRequests requires), by category. */
const PROBLEMS: ReadonlyArray<readonly [string, string, string]> = [
  ['Plumbing', 'Leaking kitchen faucet', 'Drips constantly, worse at night'],
  ['Plumbing', 'Clogged bathtub drain', 'Water stands for an hour after a shower'],
  ['HVAC', 'No heat in bedroom', 'Radiator stays cold; thermostat set to 72'],
  ['HVAC', 'AC blowing warm air', 'Unit runs but the air is warm'],
  ['Electrical', 'Outlet sparks', 'Outlet by the sink sparked & went dead'],
  ['Appliances', 'Dishwasher not draining', 'Error E24 on the display'],
  ['General', 'Front door lock sticks', 'Key turns only with force'],
  ['Other', 'Pest sighting', 'Ants along the kitchen window "again"'],
];
/** The status paths a request takes (each ends where the request stands now). */
const PATHS: ReadonlyArray<readonly [readonly string[], number]> = [
  [['Call'], 3],
  [['Call', 'Scheduled'], 2],
  [['Call', 'Scheduled', 'In Progress'], 2],
  [['Call', 'Scheduled', 'In Progress', 'Work Completed'], 4],
  [['Call', 'Work Completed'], 1],
  [['Call', 'Canceled'], 1],
  // Reopened after completion: the latest Work Completed entry is its completion.
  [['Call', 'Work Completed', 'In Progress', 'Work Completed'], 1],
];

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19);

/**
 * Service requests (ItfServiceRequests) of about one household in three, from their own PRNG (so the other
 * collections stay as they were for a seed), with a StatusHistory of one to four entries; the last entry's
 * status is the CurrentStatus and its time the UpdateDate.
 */
export function generateYardiServiceRequests(customers: readonly Rec[], seed: number, count?: number): Rec[] {
  const prng = new Prng(seed * 6151 + 7);
  const households = customers.filter((h) => h.RT_Unit?.UnitID && h.Customers?.Customer?.length);
  const wanted = Math.min(count ?? Math.ceil(households.length / 3), households.length * 2);
  const requests: Rec[] = [];
  for (let n = 0; n < wanted; n++) {
    const household = households[(n * 7) % households.length];
    const person = household.Customers.Customer[0];
    const [category, brief, full] = prng.pick(PROBLEMS);
    const path = prng.weighted(PATHS);
    let at = Date.UTC(2025, 0, 1) + prng.int(0, 360) * 86_400_000 + prng.int(8 * 3600, 18 * 3600) * 1000;
    const history = path.map((status) => {
      const entry = { '@Type': status, '@TimeStamp': stamp(at) };
      at += prng.int(2 * 3600, 5 * 86_400) * 1000;
      return entry;
    });
    const last = history[history.length - 1]['@TimeStamp'];
    const phone = person.Phone?.[0]?.PhoneNumber?.replace(/\D/g, '');
    requests.push({
      ServiceRequestId: String(4001 + n),
      Origin: prng.pick(['Resident Portal', 'Phone', 'Walk-in']),
      PropertyCode: household.YardiPropertyId,
      UnitCode: household.RT_Unit.UnitID,
      TenantCode: household.CustomerID,
      ServiceRequestBriefDescription: brief,
      ServiceRequestFullDescription: full,
      ProblemDescriptionNotes: prng.chance(0.5) ? 'Reported twice' : '',
      TechnicianNotes: path.length > 2 ? prng.pick(['Bring a ladder', 'Parts ordered', 'Call before arriving']) : '',
      Category: category,
      SubCategory: '',
      Priority: prng.pick(SERVICE_REQUEST_VALUES.Priority),
      HasPermissionToEnter: prng.chance(0.7) ? 'true' : 'false',
      AccessNotes: prng.chance(0.4) ? 'Dog in unit' : '',
      TenantCaused: prng.chance(0.1) ? 'true' : 'false',
      RequestorName: [person.Name?.FirstName, person.Name?.LastName].filter(Boolean).join(' '),
      ...(phone ? { RequestorPhoneNumber: phone } : {}),
      ...(person.Email ? { RequestorEmail: person.Email } : {}),
      ServiceRequestDate: history[0]['@TimeStamp'],
      CreatedBy: 'Resident',
      UpdateDate: last,
      UpdatedBy: path.length > 1 ? 'Maintenance' : 'Resident',
      CurrentStatus: path[path.length - 1],
      StatusHistory: { Status: history },
    });
  }
  return requests;
}

/** A request moved on one status (Call → Scheduled → In Progress → Work Completed; a closed one reopened). */
export function advanceServiceRequest(request: Rec, now: Date): void {
  const next: Record<string, string> = {
    Call: 'Scheduled',
    Scheduled: 'In Progress',
    'In Progress': 'Work Completed',
    'Work Completed': 'In Progress',
    Canceled: 'Call',
  };
  const status = next[request.CurrentStatus] ?? 'In Progress';
  const at = stamp(now.getTime());
  request.CurrentStatus = status;
  request.UpdateDate = at;
  request.UpdatedBy = 'Maintenance';
  request.StatusHistory.Status.push({ '@Type': status, '@TimeStamp': at });
}
