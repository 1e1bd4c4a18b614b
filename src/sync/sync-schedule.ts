import { CronExpressionParser } from 'cron-parser';
import type { VendorAdapter } from '../fetch/adapter/vendor-adapter';
import type { Cadence, SyncRunKind } from '../generated/prisma/enums';

export interface SyncSchedule {
  sync_frequency: number;
  sync_cadence: Cadence;
  /** Extension: a 5-field cron expression (UTC); when set it wins over frequency x cadence. */
  sync_cron: string | null;
}

/** One cadence unit in milliseconds (a month counted as 30 days). */
export const CADENCE_MS: Record<Cadence, number> = {
  SECOND: 1_000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 604_800_000,
  MONTH: 2_592_000_000,
};

/** An integration has one job schedule (its sync_frequency x sync_cadence, or sync_cron); this is its id. */
export function jobScheduleId(integrationId: string): string {
  return `${integrationId}:default`;
}

/** The schedule a run belongs to: the first sync and scheduled runs are the schedule's, manual ones none. */
export function runJobScheduleId(kind: SyncRunKind, integrationId: string): string | null {
  return kind === 'MANUAL' ? null : jobScheduleId(integrationId);
}

/** When an integration's next scheduled run is due, counted from `from` (the last one's start). */
export function nextRunAt(from: Date, schedule: SyncSchedule): Date {
  if (schedule.sync_cron)
    return CronExpressionParser.parse(schedule.sync_cron, { currentDate: from, tz: 'UTC' }).next().toDate();
  return new Date(from.getTime() + Math.max(1, schedule.sync_frequency) * CADENCE_MS[schedule.sync_cadence]);
}

/** A run's models in the order its jobs start: the vendor's longest pulls first, the rest in their order. */
export function inStartOrder<M extends string>(models: readonly M[], longest: readonly string[] = []): M[] {
  return [...models.filter((model) => longest.includes(model)), ...models.filter((model) => !longest.includes(model))];
}

/**
 * The models an integration's syncs read, in its vendor's order: the ones it chose (extension `models_to_sync`),
 * or, when it chose none, every model its vendor has (so a model Latchkey adds later is synced too).
 */
export function modelsToSync<M extends string>(vendorModels: readonly M[], chosen: readonly string[]): M[] {
  return chosen.length === 0 ? [...vendorModels] : vendorModels.filter((model) => chosen.includes(model));
}

/** The models a run of the integration reads, in the order their jobs start. */
export function runModels(adapter: Pick<VendorAdapter, 'models' | 'longestModels'>, chosen: readonly string[]) {
  return inStartOrder(modelsToSync(adapter.models, chosen), adapter.longestModels);
}
