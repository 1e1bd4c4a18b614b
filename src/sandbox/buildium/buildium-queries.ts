import type { FieldError } from './buildium-messages';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Query parameters of a Buildium list call (case-sensitive names), each problem one `Errors[{Key, Value}]`. */
export class QueryReader {
  readonly errors: FieldError[] = [];

  constructor(private readonly params: URLSearchParams) {}

  /** offset (0-based) and limit (1–1000, 50 when absent). */
  page(): { offset: number; limit: number } {
    return { offset: this.int('offset', 0, 0, Number.MAX_SAFE_INTEGER)!, limit: this.int('limit', 50, 1, 1000)! };
  }

  int(name: string, fallback?: number, min = 0, max = 2_147_483_647): number | undefined {
    const raw = this.params.get(name);
    if (raw === null || raw === '') return fallback;
    if (/^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max) return Number(raw);
    this.errors.push({ Key: name, Value: `must be an integer from ${min} to ${max}` });
    return fallback;
  }

  /** A date parameter (YYYY-MM-DD only: a date-time is a 400), as its day's first and last millisecond (UTC). */
  day(name: string): { first: number; last: number } | undefined {
    const raw = this.params.get(name);
    if (raw === null || raw === '') return undefined;
    const ms = DATE.test(raw) ? Date.parse(raw) : NaN;
    if (!Number.isNaN(ms)) return { first: ms, last: ms + DAY_MS - 1 };
    this.errors.push({ Key: name, Value: 'must be a date formatted as YYYY-MM-DD' });
    return undefined;
  }

  /** A repeated parameter (`explode: true`; a comma list is taken too), each value one of `allowed` if given. */
  list(name: string, allowed?: readonly string[]): Set<string> {
    const values = this.params
      .getAll(name)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    const bad = allowed && values.find((v) => !allowed.includes(v));
    if (bad) this.errors.push({ Key: name, Value: `${bad} is not one of ${allowed.join(', ')}` });
    return new Set(values);
  }

  intList(name: string): Set<number> {
    const values = this.list(name);
    if ([...values].some((v) => !/^\d+$/.test(v))) this.errors.push({ Key: name, Value: 'must be integers' });
    return new Set([...values].map(Number));
  }

  text(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }
}

/** Whether a time (ms) or date (YYYY-MM-DD) falls in a window of optional from/to days. */
export function inWindow(
  at: number | string | undefined,
  from: { first: number } | undefined,
  to: { last: number } | undefined,
): boolean {
  if (from === undefined && to === undefined) return true;
  if (at === undefined) return false;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return (from === undefined || ms >= from.first) && (to === undefined || ms <= to.last);
}
