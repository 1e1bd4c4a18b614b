import { presentJobLog, storedStatuses, type JobLogRow } from '../../src/sync/job-log';
import { assertValid } from '../support/propexo-schema';

const run: JobLogRow = {
  id: 'run1',
  run_id: 'run1',
  is_run: true,
  kind: 'SCHEDULED',
  integration_id: 'int1',
  job_type: 'SCHEDULED_SYNC',
  status: 'SUCCEEDED',
  model: null,
  error: null,
  created_at: new Date('2026-03-01T10:00:00.000Z'),
  started_at: new Date('2026-03-01T10:00:00.000Z'),
  finished_at: new Date('2026-03-01T10:01:00.000Z'),
  records_seen: 120,
  records_written: 118,
  records_quarantined: 2,
  events_emitted: 7,
  skipped_models: [{ model: 'residents', reason: 'read access check FAILED: HTTP 403' }],
  models_failed: [],
};
const job: JobLogRow = {
  ...run,
  id: 'job1',
  is_run: false,
  kind: 'MANUAL',
  job_type: 'READ_UNITS',
  status: 'FAILED',
  model: 'units',
  error: 'HTTP 500',
  finished_at: null,
  records_seen: 40,
  records_written: 40,
  records_quarantined: 0,
  events_emitted: 3,
  skipped_models: null,
  models_failed: null,
};
const partial: JobLogRow = {
  ...run,
  status: 'PARTIAL',
  models_failed: [
    { model: 'residents', error: 'GET /v1/leases/tenants was denied (HTTP 403): Forbidden' },
    { model: 'leases', error: 'HTTP 500' },
  ],
};

describe('job logs', () => {
  it('show a run as the root job and its jobs as children, with the schedule of scheduled runs only', () => {
    expect(presentJobLog(run)).toMatchObject({
      id: 'run1',
      job_id: 'run1',
      parent_job_id: null,
      root_job_id: 'run1',
      job_type: 'SCHEDULED_SYNC',
      status: 'SUCCESS',
      job_schedule_id: 'int1:default',
      integration_id: 'int1',
      associated_property_id: null,
      created_at: '2026-03-01T10:00:00.000Z',
    });
    expect(presentJobLog(job)).toMatchObject({
      id: 'job1',
      job_id: 'job1',
      parent_job_id: 'run1',
      root_job_id: 'run1',
      job_type: 'READ_UNITS',
      status: 'FAILURE',
      job_schedule_id: null,
      model: 'units',
      error: 'HTTP 500',
      finished_at: null,
    });
  });

  it('carry progress counts, and on runs the models left out by a FAILED read check', () => {
    expect(presentJobLog(run)).toMatchObject({
      records_seen: 120,
      records_written: 118,
      records_quarantined: 2,
      events_emitted: 7,
      skipped_models: [{ model: 'residents', reason: 'read access check FAILED: HTTP 403' }],
    });
    expect(presentJobLog(job)).toMatchObject({ records_seen: 40, events_emitted: 3 });
    expect(presentJobLog(job)).not.toHaveProperty('skipped_models');
  });

  it('show a run in which some models failed as PARTIAL_SUCCESS, naming each failed model and its error', () => {
    expect(presentJobLog(partial)).toMatchObject({
      status: 'PARTIAL_SUCCESS',
      models_failed: partial.models_failed,
      error: 'residents: GET /v1/leases/tenants was denied (HTTP 403): Forbidden; leases: HTTP 500',
    });
    expect(presentJobLog(run)).toMatchObject({ status: 'SUCCESS', models_failed: [], error: null });
    expect(presentJobLog(job)).not.toHaveProperty('models_failed');
  });

  it("match the spec's job log object", () => {
    assertValid('_v1_admin_logs_jobs__get_output', {
      meta: { offset: 0, limit: 100, orderBy: [], hasMore: false, total: 3 },
      results: [presentJobLog(run), presentJobLog(job), presentJobLog(partial)],
    });
  });

  it('map each stored status to one log status, and a status filter back to every stored status it covers', () => {
    expect(
      ['QUEUED', 'PENDING', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED'].map(
        (status) => presentJobLog({ ...run, status: status as JobLogRow['status'] }).status,
      ),
    ).toEqual(['PENDING', 'PENDING', 'RUNNING', 'SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE']);
    expect(storedStatuses('PENDING').sort()).toEqual(['PENDING', 'QUEUED']);
    expect(storedStatuses('SUCCESS')).toEqual(['SUCCEEDED']);
    expect(storedStatuses('FAILURE')).toEqual(['FAILED']);
    expect(storedStatuses('PARTIAL_SUCCESS')).toEqual(['PARTIAL']);
    expect(storedStatuses('RUNNING')).toEqual(['RUNNING']);
  });
});
