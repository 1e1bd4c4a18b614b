import { buildiumAdapter } from '../../src/fetch/buildium/buildium.adapter';
import type { BuildiumModel } from '../../src/fetch/buildium/buildium.facts';
import { MalformedRecordError } from '../../src/normalise/malformed-record.error';
import {
  jobMappingContext,
  PageNormaliser,
  REF_CACHE_GENERATION,
  type RecordMapper,
} from '../../src/normalise/page-normaliser';
import * as ids from '../../src/platform/common/ids';

const { recordId } = ids;

const normaliser = new PageNormaliser();
const ctx = () => jobMappingContext('int_1');
const rental = (id: unknown, more: Record<string, unknown> = {}) => ({
  Id: id,
  Name: `Rental ${String(id)}`,
  RentalType: 'Residential',
  RentalSubType: 'MultiFamily',
  ...more,
});

describe('PageNormaliser', () => {
  it('maps a page, writing a record listed twice once, as last seen', () => {
    const page = normaliser.normalise(
      'properties',
      buildiumAdapter,
      [rental(1), rental(2), rental(1, { Name: 'Renamed' })],
      ctx(),
    );
    expect(page.records.map((r) => [r.id, r.values.name])).toEqual([
      [recordId('int_1', 'properties', '1'), 'Renamed'],
      [recordId('int_1', 'properties', '2'), 'Rental 2'],
    ]);
    expect(page).toMatchObject({ rejected: [], excluded: [], drift: [], unknownValues: [], seen: 3 });
  });

  it('quarantines a record missing a required field as schema drift, and one the mapping refuses, keeping the rest', () => {
    const missingId = { Name: 'No id', RentalType: 'Residential' };
    const malformed = rental(true);
    const page = normaliser.normalise('properties', buildiumAdapter, [missingId, rental(3), malformed], ctx());
    expect(page.records.map((r) => r.x_id)).toEqual(['3']);
    expect(page.rejected).toEqual([
      { model: 'properties', xId: null, reason: 'schema drift: required field "Id" missing', raw: missingId },
      { model: 'properties', xId: null, reason: expect.stringContaining('Id') as string, raw: malformed },
    ]);
    expect(page.drift).toEqual([{ kind: 'MISSING', field: 'Id', occurrences: 1, sampleXId: null }]);
    expect(page.seen).toBe(3);
  });

  it('reports fields the contract does not name as drift, and still writes those records', () => {
    const page = normaliser.normalise(
      'properties',
      buildiumAdapter,
      [rental(4, { Colour: 'red' }), rental(5, { Colour: 'blue' })],
      ctx(),
    );
    expect(page.records.map((r) => r.x_id)).toEqual(['4', '5']);
    expect(page.drift).toEqual([{ kind: 'UNEXPECTED', field: 'Colour', occurrences: 2, sampleXId: '4' }]);
    expect(page.rejected).toEqual([]);
  });

  it('counts values no table maps on written records only, and sets aside records not of the model to be hidden', () => {
    // Applicants are not of the model; a record found broken after its values were mapped is quarantined.
    const mapper: RecordMapper = {
      ...buildiumAdapter,
      map: (model, raw, context) => {
        const mapped = buildiumAdapter.map(model as BuildiumModel, raw, context);
        const { Applicant, Broken } = raw as { Applicant?: boolean; Broken?: boolean };
        if (Broken) throw new MalformedRecordError('broken');
        return Applicant ? null : mapped;
      },
    };
    const page = normaliser.normalise(
      'properties',
      mapper,
      [
        rental(7, { RentalSubType: 'Spaceship', Applicant: true }),
        rental(8, { RentalSubType: 'Spaceship', Broken: true }),
        rental(6, { RentalSubType: 'Spaceship' }),
      ],
      ctx(),
    );
    expect(page.records.map((r) => r.x_id)).toEqual(['6']);
    expect(page.excluded).toEqual([recordId('int_1', 'properties', '7')]);
    expect(page.rejected.map((r) => [r.xId, r.reason])).toEqual([['8', 'broken']]);
    expect(page.unknownValues).toEqual([
      expect.objectContaining({ value: 'Spaceship', occurrences: 1, sampleXId: '6' }) as unknown,
    ]);
  });
});

describe('jobMappingContext', () => {
  it('names records by our id, the same id for the same vendor id, none for a record without one', () => {
    const context = jobMappingContext('int_1');
    expect(context.ref('units', '9')).toBe(recordId('int_1', 'units', '9'));
    expect(context.ref('units', '9')).toBe(context.ref('units', '9'));
    expect(context.ref('units', null)).toBeNull();
    expect(context.ref('units', undefined)).toBeNull();
    expect(context.integrationId).toBe('int_1');
  });

  it('keeps a bounded cache of ids: one still named stays cached, one named long ago is computed again', () => {
    const context = jobMappingContext('int_1');
    const hot = recordId('int_1', 'properties', 'hot');
    const longAgo = recordId('int_1', 'leases', 'long-ago');
    const computed = jest.spyOn(ids, 'recordId');
    try {
      context.ref('leases', 'long-ago');
      for (let i = 0; i < 2 * REF_CACHE_GENERATION + 1; i++) {
        context.ref('resident_charges', String(i));
        context.ref('properties', 'hot');
      }
      computed.mockClear();
      expect(context.ref('properties', 'hot')).toBe(hot);
      expect(context.ref('leases', 'long-ago')).toBe(longAgo);
      expect(computed.mock.calls).toEqual([['int_1', 'leases', 'long-ago']]);
    } finally {
      computed.mockRestore();
    }
  });
});
