import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old space grow past the live heap before its next full collection, in per cent. V8's own
 * choice under a high allocation rate is up to 4 times the live heap: a long first sync (a short-lived object
 * or two per vendor field, millions of records) then holds several hundred MB of garbage that a collection would
 * free. 60 keeps the peak near the live heap (the ledger benchmark: 283–290 MB against 517–536 MB at 10,000
 * residents, 356 MB at 100,000) for no CPU we could measure; 30 cost ~20 % more (BENCHMARKS.md).
 */
export const HEAP_GROWTH_PERCENT = 60;

/** Applies HEAP_GROWTH_PERCENT unless the operator chose their own (`node --heap-growing-percent=N`). */
export function boundHeapGrowth(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS,
): void {
  if ([...execArgv, nodeOptions ?? ''].some((arg) => /heap[-_]growing[-_]percent/.test(arg))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWTH_PERCENT}`);
}
