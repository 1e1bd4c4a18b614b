import type { Cadence } from '../../generated/prisma/enums';
import { jobScheduleId } from '../../sync/sync-schedule';

export interface ScheduledIntegration {
  id: string;
  active: boolean;
  is_archived: boolean;
  created_at: Date;
  updated_at: Date;
  sync_frequency: number;
  sync_cadence: Cadence;
  sync_cron: string | null;
  next_sync_at: Date | null;
}

/**
 * An integration's one job schedule as the spec's object: its scheduled syncs (the job type their runs
 * carry in the job logs), ACTIVE while the integration is active and not archived, and when it last ran
 * (the first sync counts: it starts the schedule).
 */
export function presentJobSchedule(integration: ScheduledIntegration, lastRunAt: Date | null) {
  return {
    id: jobScheduleId(integration.id),
    integration_id: integration.id,
    created_at: integration.created_at.toISOString(),
    updated_at: integration.updated_at.toISOString(),
    job_type: 'SCHEDULED_SYNC',
    status: integration.active && !integration.is_archived ? 'ACTIVE' : 'INACTIVE',
    last_run: lastRunAt?.toISOString() ?? null,
    sync_frequency: integration.sync_frequency,
    sync_cadence: integration.sync_cadence,
    parameters: {},
    // Extensions: a cron expression wins over frequency x cadence; when the scheduler starts the next run.
    sync_cron: integration.sync_cron,
    next_sync_at: integration.next_sync_at?.toISOString() ?? null,
  };
}
