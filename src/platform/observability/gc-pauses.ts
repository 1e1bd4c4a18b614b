import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Histogram, type Registry } from 'prom-client';

/** prom-client's name, help and buckets, so dashboards built on its default metric read this one unchanged. */
const GC_DURATION_METRIC = 'nodejs_gc_duration_seconds';
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * The main thread's garbage-collection pauses, by kind, every one of them. prom-client's default metric of the same
 * name observes only the first entry of each batch Node hands its observer, and a busy process collects several
 * times between two turns of its event loop (a page of a sync maps 1,000 records in one go): it missed a fifth of
 * the scavenges and two fifths of the mark-compacts of a first sync (2026-12-07). Replaces that metric in `registry`.
 */
export function observeGcPauses(registry: Registry): void {
  registry.removeSingleMetric(GC_DURATION_METRIC);
  const pauses = new Histogram({
    name: GC_DURATION_METRIC,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.001, 0.01, 0.1, 1, 2, 5],
    registers: [registry],
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as { detail?: { kind?: number } };
      const kind = GC_KINDS[detail?.kind ?? -1];
      if (kind) pauses.observe({ kind }, entry.duration / 1000);
    }
  }).observe({ entryTypes: ['gc'] });
}
