import type { SyncJobStatus, SyncRunStatus } from '../generated/prisma/enums';

/** Legal moves of a sync job. A retry puts a RUNNING job back to PENDING. */
const JOB_TRANSITIONS: Record<SyncJobStatus, SyncJobStatus[]> = {
  PENDING: ['RUNNING', 'FAILED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'PENDING', 'RUNNING'],
  SUCCEEDED: [],
  FAILED: [],
};

const RUN_TRANSITIONS: Record<SyncRunStatus, SyncRunStatus[]> = {
  QUEUED: ['RUNNING'],
  RUNNING: ['SUCCEEDED', 'PARTIAL', 'FAILED'],
  SUCCEEDED: [],
  PARTIAL: [],
  FAILED: [],
};

export class IllegalTransitionError extends Error {}

export function assertJobTransition(from: SyncJobStatus, to: SyncJobStatus): void {
  if (!JOB_TRANSITIONS[from].includes(to)) throw new IllegalTransitionError(`sync job cannot go from ${from} to ${to}`);
}

export function assertRunTransition(from: SyncRunStatus, to: SyncRunStatus): void {
  if (!RUN_TRANSITIONS[from].includes(to)) throw new IllegalTransitionError(`sync run cannot go from ${from} to ${to}`);
}

/** Statuses from which a job in the database may be (re)started by a queue job: a redelivered job after a crash finds RUNNING. */
export const STARTABLE_JOB_STATUSES: SyncJobStatus[] = ['PENDING', 'RUNNING'];
