import { CronExpressionParser } from 'cron-parser';

/** The first time the 5-field UTC cron expression names after `from`. */
export function nextCronTime(cron: string, from: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: from, tz: 'UTC' }).next().toDate();
}
