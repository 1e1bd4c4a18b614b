import { cronProblem } from '../../src/platform/common/cron';
import { buildiumAdapter } from '../../src/fetch/buildium/buildium.adapter';
import { inStartOrder, modelsToSync, nextRunAt } from '../../src/sync/sync-schedule';

describe('sync schedule', () => {
  const from = new Date('2026-03-01T10:07:30.000Z');

  it('adds frequency x cadence', () => {
    expect(nextRunAt(from, { sync_frequency: 12, sync_cadence: 'HOUR', sync_cron: null }).toISOString()).toBe(
      '2026-03-01T22:07:30.000Z',
    );
    expect(nextRunAt(from, { sync_frequency: 30, sync_cadence: 'SECOND', sync_cron: null }).toISOString()).toBe(
      '2026-03-01T10:08:00.000Z',
    );
    expect(nextRunAt(from, { sync_frequency: 2, sync_cadence: 'DAY', sync_cron: null }).toISOString()).toBe(
      '2026-03-03T10:07:30.000Z',
    );
  });

  it('follows a cron expression in UTC when one is set', () => {
    expect(nextRunAt(from, { sync_frequency: 12, sync_cadence: 'HOUR', sync_cron: '*/15 * * * *' }).toISOString()).toBe(
      '2026-03-01T10:15:00.000Z',
    );
    expect(nextRunAt(from, { sync_frequency: 12, sync_cadence: 'HOUR', sync_cron: '0 3 * * 1' }).toISOString()).toBe(
      '2026-03-02T03:00:00.000Z',
    );
  });

  it('explains a bad cron expression', () => {
    expect(cronProblem('0 3 * * 1')).toBeNull();
    expect(cronProblem('every day')).toMatch(/5 fields/);
    expect(cronProblem('61 * * * *')).toMatch(/not a valid cron/);
  });

  it("starts a run's longest pulls first and keeps the others in their vendor's order", () => {
    expect(
      inStartOrder(
        ['properties', 'units', 'leases', 'resident_charges', 'resident_payments'],
        ['resident_payments', 'resident_charges'],
      ),
    ).toEqual(['resident_charges', 'resident_payments', 'properties', 'units', 'leases']);
    expect(inStartOrder(['properties', 'units'], ['resident_charges'])).toEqual(['properties', 'units']);
    expect(inStartOrder(['units', 'properties'])).toEqual(['units', 'properties']);
    // Buildium reads each lease's ledger with a request of its own: its money jobs start first
    expect(inStartOrder(modelsToSync(buildiumAdapter.models, []), buildiumAdapter.longestModels).slice(0, 2)).toEqual([
      'resident_charges',
      'resident_payments',
    ]);
  });
});
