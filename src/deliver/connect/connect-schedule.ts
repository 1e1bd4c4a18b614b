import { CronExpressionParser } from 'cron-parser';

/** What starts a run: its connection's cron, or a request (Sync now). */
export const RUN_TRIGGERS = ['cron', 'manual'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** The first time the 5-field UTC cron expression names after `from`. */
export function nextCronTime(cron: string, from: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: from, tz: 'UTC' }).next().toDate();
}
