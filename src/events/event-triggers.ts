export const TRIGGERS = ['DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED', 'SYNC_COMPLETE', 'FIRST_SYNC_COMPLETE', 'JOB_FAILURE'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Triggers that a webhook's `model` narrows. */
export const DATA_TRIGGERS: readonly Trigger[] = ['DATA_NEW', 'DATA_UPDATE', 'DATA_DELETED'];
