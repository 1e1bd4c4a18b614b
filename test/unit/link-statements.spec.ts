import type { CanonicalModelName } from '../../src/catalogue/canonical-models';
import { recordId } from '../../src/platform/common/ids';
import {
  toCanonicalRecord,
  type CanonicalRecord,
  type MappedRecord,
  type MappingContext,
} from '../../src/normalise/canonical-record';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import { mapAppfolioRecord } from '../../src/fetch/appfolio/appfolio.mapper';
import { mapBuildiumRecord } from '../../src/fetch/buildium/buildium.mapper';
import { mapEntrataRecord } from '../../src/fetch/entrata/entrata.mapper';
import { mapPropertywareRestRecord } from '../../src/fetch/propertyware-rest/propertyware-rest.mapper';
import { mapYardiRecord } from '../../src/fetch/yardi/yardi.mapper';

/** A vendor's mapper of the link's sides (every vendor has both). */
type Mapper = (model: LinkSideName, raw: unknown, ctx: MappingContext) => MappedRecord | null;
type LinkSideName = Extract<CanonicalModelName, 'residents' | 'leases'>;
const ctx: MappingContext = {
  integrationId: 'int_1',
  ref: (model, xId) => (xId == null ? null : recordId('int_1', model, xId)),
};
const canonical = (map: Mapper, model: 'residents' | 'leases', raw: unknown) => {
  const mapped = map(model, raw, ctx);
  if (mapped === null) throw new Error(`not a ${model} record`);
  return toCanonicalRecord(model, mapped, ctx);
};
const linkOf = (record: CanonicalRecord, id: string) => record.links?.find((l) => l.id === id);
const linkId = (leaseXId: string, residentXId: string) =>
  `${recordId('int_1', 'leases', leaseXId)}:${recordId('int_1', 'residents', residentXId)}`;

// A Buildium lease, and a tenant of it whose Leases embeds that lease (as /v1/leases/tenants does).
const BUILDIUM_LEASE = {
  Id: 9001,
  PropertyId: 77,
  UnitId: 310,
  LeaseFromDate: '2024-07-01',
  LeaseToDate: '2025-06-30',
  LeaseStatus: 'Active',
  Tenants: [
    { Id: 501, Status: 'Current', MoveInDate: '2024-07-01' },
    { Id: 502, Status: 'Future', MoveInDate: null },
  ],
  MoveOutData: [{ TenantId: 502, MoveOutDate: '2025-06-30', NoticeGivenDate: '2025-05-01' }],
};
const BUILDIUM_TENANT = {
  Id: 502,
  FirstName: 'Bo',
  LastName: 'Lind',
  PhoneNumbers: [],
  Leases: [BUILDIUM_LEASE, { ...BUILDIUM_LEASE, Id: 9002, Tenants: [{ Id: 777 }] }],
};

describe('each side of a resident <-> lease link names it the same way', () => {
  it('Buildium: a tenant names, from its Leases, exactly the links (details and hash) its leases name for it', () => {
    const lease = canonical(mapBuildiumRecord, 'leases', BUILDIUM_LEASE);
    const tenant = canonical(mapBuildiumRecord, 'residents', BUILDIUM_TENANT);
    const id = linkId('9001', '502');
    expect(tenant.links?.map((l) => l.id)).toEqual([id]);
    expect(linkOf(tenant, id)).toEqual(linkOf(lease, id));
    expect(linkOf(tenant, id)!.values).toMatchObject({
      x_lease_id: '9001',
      x_resident_id: '502',
      move_out_date: '2025-06-30T00:00:00.000Z',
      notice_date: '2025-05-01T00:00:00.000Z',
    });
  });

  it('Propertyware: a contact hydrated with the leases that name it names the same links as those leases', () => {
    const contacts = [
      { id: 3011, primary: true, role: 'Tenant' },
      { id: 3012, primary: false, role: 'Guarantor' },
    ];
    const raw = {
      id: 1401,
      buildingID: 40,
      unitID: 41,
      status: 'Active',
      startDate: '2025-01-01',
      moveInDate: '2025-01-02',
      noticeGivenDate: '2025-09-30',
      contacts,
    };
    const lease = canonical(mapPropertywareRestRecord, 'leases', raw);
    const contact = canonical(mapPropertywareRestRecord, 'residents', {
      id: 3012,
      firstName: 'Ida',
      lastName: 'Moe',
      leases: [raw],
    });
    const id = linkId('1401', '3012');
    expect(contact.links?.map((l) => l.id)).toEqual([id]);
    expect(linkOf(contact, id)).toEqual(linkOf(lease, id));
    expect(linkOf(contact, id)!.values).toMatchObject({
      x_resident_type: 'Guarantor',
      resident_type_normalized: 'GUARANTOR',
      notice_date: '2025-09-30T00:00:00.000Z',
    });
  });

  it("AppFolio: a tenant completed with its occupancy's move dates names the link its occupancy names", () => {
    const occupancy = {
      occupancy_id: 5001,
      unit_id: 61,
      property_id: 60,
      status: 'Current',
      lease_from: '2025-02-01',
      lease_to: '2026-01-31',
      move_in: '2025-02-03',
      move_out: null,
      rent: '1500',
      deposit: '500',
      tenant_ids: '20001,20002',
      tenant_types: { 20001: 'Financially Responsible', 20002: 'Guarantor' },
    };
    const tenant = {
      tenant_id: 20002,
      occupancy_id: 5001,
      first_name: 'Al',
      last_name: 'Ng',
      status: 'Current',
      tenant_type: 'Guarantor',
      occupancy_property_id: 60,
      occupancy_move_in: '2025-02-03',
      occupancy_move_out: null,
    };
    const lease = canonical(mapAppfolioRecord, 'leases', occupancy);
    const resident = canonical(mapAppfolioRecord, 'residents', tenant);
    const id = linkId('5001', '20002');
    expect(resident.links?.map((l) => l.id)).toEqual([id]);
    expect(linkOf(resident, id)).toEqual(linkOf(lease, id));
    // Without its occupancy on the rent roll (or without one at all), a tenant names no link: it is placed only
    // where its row carries its own property_id, and quarantined (no property) otherwise.
    const { occupancy_property_id: _p, occupancy_move_in: _i, occupancy_move_out: _o, ...alone } = tenant;
    expect(() => canonical(mapAppfolioRecord, 'residents', alone)).toThrow(MalformedRecordError);
    expect(canonical(mapAppfolioRecord, 'residents', { ...alone, property_id: 60 }).links).toEqual([]);
    expect(canonical(mapAppfolioRecord, 'residents', { ...alone, occupancy_id: null, property_id: 60 }).links).toEqual(
      [],
    );
  });

  it('Entrata and Yardi: a resident names its lease by id only (it can end links, never create one)', () => {
    const customer = canonical(mapEntrataRecord, 'residents', {
      Id: 601,
      FirstName: 'Ma',
      LastName: 'Vo',
      LeaseId: 5001,
      propertyId: 7001,
    });
    expect([customer.links, customer.linkedTo]).toEqual([undefined, [linkId('5001', '601')]]);
    // A customer with no LeaseId says nothing about its links.
    expect(
      canonical(mapEntrataRecord, 'residents', { Id: 601, FirstName: 'Ma', LastName: 'Vo', propertyId: 7001 }).linkedTo,
    ).toBeUndefined();
    const person = canonical(mapYardiRecord, 'residents', {
      YardiPropertyId: 'p1',
      CustomerID: 't9',
      CustomerIndex: 2,
      Customer: { '@Type': 'current resident', Name: { FirstName: 'Jo' } },
    });
    expect(person.linkedTo).toEqual([linkId('t9', 't9:2')]);
  });

  it('applicants are on no link: a Yardi household names only its residents, and its hash changes when one turns applicant', () => {
    const people = [
      { '@Type': 'current resident', Name: { FirstName: 'Jo' } },
      { '@Type': 'current resident', Name: { FirstName: 'Al' } },
    ];
    const household = {
      CustomerID: 't9',
      YardiPropertyId: 'p1',
      Customers: { Customer: people },
      Lease: { LeaseFromDate: '2025-01-01' },
    };
    const both = canonical(mapYardiRecord, 'leases', household);
    const withApplicant = canonical(mapYardiRecord, 'leases', {
      ...household,
      Customers: { Customer: [people[0], { ...people[1], '@Type': 'applicant' }] },
    });
    expect(both.links?.map((l) => l.id)).toEqual([linkId('t9', 't9'), linkId('t9', 't9:2')]);
    expect(withApplicant.links?.map((l) => l.id)).toEqual([linkId('t9', 't9')]);
    expect(withApplicant.values).toEqual(both.values);
    expect(withApplicant.hash).not.toBe(both.hash);
    // The applicant is no resident: it is left out (and hidden with its links if cached), not written with links.
    expect(
      mapYardiRecord(
        'residents',
        { YardiPropertyId: 'p1', CustomerID: 't9', CustomerIndex: 2, Customer: { ...people[1], '@Type': 'applicant' } },
        ctx,
      ),
    ).toBeNull();
  });

  it("a record's hash covers its links: it changes with them, and with nothing that the record and its links do not say", () => {
    const lease = canonical(mapBuildiumRecord, 'leases', BUILDIUM_LEASE);
    expect(
      canonical(mapBuildiumRecord, 'leases', { ...BUILDIUM_LEASE, LastUpdatedDateTime: '2026-01-01T00:00:00Z' }).hash,
    ).toBe(lease.hash);
    const added = canonical(mapBuildiumRecord, 'leases', {
      ...BUILDIUM_LEASE,
      Tenants: [...BUILDIUM_LEASE.Tenants, { Id: 503, Status: 'Current' }],
    });
    expect(added.values).toEqual(lease.values);
    expect(added.hash).not.toBe(lease.hash);
    const movedOut = canonical(mapBuildiumRecord, 'leases', { ...BUILDIUM_LEASE, MoveOutData: [] });
    expect(movedOut.hash).not.toBe(lease.hash);
    // A tenant listed twice is one link.
    const twice = canonical(mapBuildiumRecord, 'leases', {
      ...BUILDIUM_LEASE,
      Tenants: [...BUILDIUM_LEASE.Tenants, BUILDIUM_LEASE.Tenants[0]],
    });
    expect(twice.links?.map((l) => l.id)).toEqual(lease.links?.map((l) => l.id));
    expect(twice.hash).toBe(lease.hash);
  });
});
