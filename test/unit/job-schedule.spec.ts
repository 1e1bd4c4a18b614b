import { presentJobSchedule, type ScheduledIntegration } from '../../src/serve/integrations/job-schedule';
import { assertValid } from '../support/propexo-schema';

const integration: ScheduledIntegration = {
  id: 'int1',
  active: true,
  is_archived: false,
  created_at: new Date('2026-03-01T10:00:00.000Z'),
  updated_at: new Date('2026-03-02T10:00:00.000Z'),
  sync_frequency: 12,
  sync_cadence: 'HOUR',
  sync_cron: null,
  next_sync_at: new Date('2026-03-02T22:00:00.000Z'),
};

describe('job schedules', () => {
  it("are one per integration, reflecting its schedule and last scheduled run, in the spec's shape", () => {
    const schedule = presentJobSchedule(integration, new Date('2026-03-02T10:00:00.000Z'));
    expect(schedule).toEqual({
      id: 'int1:default',
      integration_id: 'int1',
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: '2026-03-02T10:00:00.000Z',
      job_type: 'SCHEDULED_SYNC',
      status: 'ACTIVE',
      last_run: '2026-03-02T10:00:00.000Z',
      sync_frequency: 12,
      sync_cadence: 'HOUR',
      parameters: {},
      sync_cron: null,
      next_sync_at: '2026-03-02T22:00:00.000Z',
    });
    assertValid('_v1_admin_integrations_{integration_id}_job-schedules_{job_schedule_id}__get_output', {
      meta: { offset: 0, limit: 1, orderBy: [], hasMore: false, total: 1 },
      results: schedule,
    });
  });

  it('are INACTIVE while the integration is inactive or archived, and have no last run before the first', () => {
    expect(presentJobSchedule({ ...integration, active: false }, null)).toMatchObject({
      status: 'INACTIVE',
      last_run: null,
    });
    expect(presentJobSchedule({ ...integration, is_archived: true }, null).status).toBe('INACTIVE');
    expect(presentJobSchedule({ ...integration, sync_cron: '0 3 * * *', next_sync_at: null }, null)).toMatchObject({
      sync_cron: '0 3 * * *',
      next_sync_at: null,
    });
  });
});
