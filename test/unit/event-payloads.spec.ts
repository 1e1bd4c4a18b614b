import {
  dataEvent,
  jobFailureEvent,
  runCompleteEvent,
  testEvent,
  webhookDeactivatedEvent,
} from '../../src/emit/event-payloads';
import { TRIGGER_CATALOGUE } from '../../src/emit/event-triggers';

/**
 * The webhook bodies API.md §5 promises, to the byte (key order included): every event is built in
 * src/emit/event-payloads.ts, so these are all the shapes there are.
 */
const scope = { organizationId: 'org_1', integrationId: 'int_1', vendor: 'BUILDIUM' };
const job = { jobId: 'job_1', runId: 'run_1', jobType: 'SYNC_RESIDENTS', model: 'residents' as const };
const body = (event: { payload: unknown }) => JSON.stringify(event.payload);

describe('event payloads', () => {
  it('builds SYNC_COMPLETE and FIRST_SYNC_COMPLETE with the run and its schedule', () => {
    const run = {
      id: 'run_1',
      kind: 'SCHEDULED' as const,
      models_synced: ['units'],
      models_failed: [{ model: 'leases', error: 'HTTP 500' }],
      successful_job_count: 1,
      failed_job_count: 1,
    };
    const event = runCompleteEvent(scope, run, 'int_1:default');
    expect(event).toMatchObject({ organizationId: 'org_1', integrationId: 'int_1', trigger: 'SYNC_COMPLETE' });
    expect(event).toMatchObject({ model: null, recordId: null });
    expect(body(event)).toBe(
      '{"trigger":"SYNC_COMPLETE","data":{"event":"SYNC_COMPLETE","integration_id":"int_1","vendor":"BUILDIUM","successful_job_count":1,"failed_job_count":1,"is_sync_finished":true,"job_schedule_id":"int_1:default","models_synced":["units"],"models_failed":[{"model":"leases","error":"HTTP 500"}],"is_backsync":false,"sync_id":"run_1"},"meta":{"object":"sync","integration_id":"int_1"}}',
    );
    expect(runCompleteEvent(scope, { ...run, kind: 'FIRST' }, null).trigger).toBe('FIRST_SYNC_COMPLETE');
  });

  it('builds JOB_FAILURE for a sync job and for a webhook the system turned off', () => {
    expect(body(jobFailureEvent(scope, job, 'boom'))).toBe(
      '{"trigger":"JOB_FAILURE","data":{"event":"JOB_FAILURE","job_id":"job_1","root_job_id":"run_1","integration_id":"int_1","job_type":"SYNC_RESIDENTS","vendor":"BUILDIUM","error":"boom"},"meta":{"object":"job","integration_id":"int_1"}}',
    );
    const off = webhookDeactivatedEvent(
      'org_1',
      { webhookId: 'wh_1', url: 'https://x.test/h', deliveryId: 'd_1' },
      'gone',
    );
    expect(off).toMatchObject({ organizationId: 'org_1', integrationId: null, trigger: 'JOB_FAILURE' });
    expect(body(off)).toBe(
      '{"trigger":"JOB_FAILURE","data":{"event":"JOB_FAILURE","job_type":"WEBHOOK_DELIVERY","webhook_id":"wh_1","job_id":"d_1","root_job_id":null,"integration_id":null,"vendor":null,"error":"webhook wh_1 (https://x.test/h) was deactivated: gone"},"meta":{"object":"webhook","integration_id":null}}',
    );
  });

  it('builds data events for records and links, with the diff on updates', () => {
    const record = { id: 'res_1', x_id: '7' };
    const update = dataEvent(scope, job, 'DATA_UPDATE', record, { new: { a: 1 }, previous: { a: 2 } });
    expect(update).toMatchObject({ model: 'residents', recordId: 'res_1' });
    expect(body(update)).toBe(
      '{"trigger":"DATA_UPDATE","data":{"event":"DATA_UPDATE","integration_id":"int_1","vendor":"BUILDIUM","object":"residents","record_id":"res_1","job_id":"job_1","root_job_id":"run_1","job_type":"SYNC_RESIDENTS","payload":{"id":"res_1","x_id":"7"},"diff":{"new":{"a":1},"previous":{"a":2}}},"meta":{"object":"residents","integration_id":"int_1"}}',
    );
    expect(JSON.parse(body(dataEvent(scope, job, 'DATA_NEW', record))).data).not.toHaveProperty('diff');
    const link = dataEvent(scope, job, 'DATA_DELETED', { id: 'l_1' }, undefined, 'residents_to_leases');
    expect(link).toMatchObject({ model: 'residents_to_leases', recordId: 'l_1' });
  });

  it('builds the TEST event for one webhook', () => {
    expect(body(testEvent('org_1', 'wh_1'))).toBe(
      '{"trigger":"TEST","data":{"event":"TEST","webhook_id":"wh_1","integration_id":null,"vendor":null,"message":"A test event from Latchkey: this webhook receives signed deliveries."},"meta":{"object":"webhook","integration_id":null}}',
    );
  });

  it('lists every trigger once: the subscribable ones, then TEST', () => {
    expect(TRIGGER_CATALOGUE.map((t) => [t.trigger, t.subscribable, t.emitted, t.narrowed_by_model])).toEqual([
      ['DATA_NEW', true, true, true],
      ['DATA_UPDATE', true, true, true],
      ['DATA_DELETED', true, true, true],
      ['SYNC_COMPLETE', true, true, false],
      ['FIRST_SYNC_COMPLETE', true, true, false],
      ['JOB_FAILURE', true, true, false],
      ['WRITE_OPERATION_FAILURE', true, true, false],
      ['TEST', false, true, false],
    ]);
  });
});
