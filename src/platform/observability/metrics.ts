import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { observeGcPauses } from './gc-pauses';
import type { VendorAttemptOutcome, VendorRequestObserver } from './vendor-requests';

/** Queue states reported by latchkey_queue_jobs. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** A scrape reads the queues at most this often; several Prometheus servers or a quick reload cost one read. */
const QUEUE_SNAPSHOT_TTL_MS = 1000;

export interface QueueSnapshot {
  queue: string;
  counts: Record<(typeof QUEUE_STATES)[number], number>;
  /** Seconds since the oldest waiting job was added; 0 when none waits. */
  oldestWaitingAgeSeconds: number;
}

/** What one page of a sync job amounted to. */
export interface SyncPageCounts {
  seen: number;
  quarantined: number;
  drift: ReadonlyArray<{ kind: string; occurrences: number }>;
}

/**
 * The process's Prometheus registry and every Latchkey metric. Hot paths call the small methods below once
 * per page or attempt (counters only, no awaits); the queue gauges are read when scraped, through
 * `readQueues` (see queue-snapshots.ts). Plain class, provided by ObservabilityModule.
 */
export class Metrics {
  readonly registry = new Registry();

  private readonly syncRunsStarted = new Counter({
    name: 'latchkey_sync_runs_started_total',
    help: 'Sync runs started, by kind (FIRST, MANUAL, SCHEDULED).',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly syncRunsFinished = new Counter({
    name: 'latchkey_sync_runs_finished_total',
    help: 'Sync runs finished, by kind and status (SUCCEEDED, PARTIAL: some models failed, FAILED: every model failed).',
    labelNames: ['kind', 'status'],
    registers: [this.registry],
  });
  private readonly syncRunDuration = new Histogram({
    name: 'latchkey_sync_run_duration_seconds',
    help: 'Sync run duration from start to its last job ending.',
    labelNames: ['kind', 'status'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
    registers: [this.registry],
  });
  private readonly recordsProcessed = new Counter({
    name: 'latchkey_sync_records_processed_total',
    help: 'Vendor records read and processed by sync jobs.',
    labelNames: ['vendor', 'model'],
    registers: [this.registry],
  });
  private readonly recordsQuarantined = new Counter({
    name: 'latchkey_sync_records_quarantined_total',
    help: 'Vendor records set aside in quarantine (malformed or schema drift).',
    labelNames: ['vendor', 'model'],
    registers: [this.registry],
  });
  private readonly schemaDrift = new Counter({
    name: 'latchkey_sync_schema_drift_total',
    help: 'Fields found missing or unexpected in vendor records, by kind (MISSING, UNEXPECTED).',
    labelNames: ['vendor', 'model', 'kind'],
    registers: [this.registry],
  });
  private readonly vendorRequestDuration = new Histogram({
    name: 'latchkey_vendor_request_duration_seconds',
    help: 'Duration of each HTTP exchange with a vendor, by outcome (ok, throttled, retry, error).',
    labelNames: ['vendor', 'outcome'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly vendorRequestErrors = new Counter({
    name: 'latchkey_vendor_request_errors_total',
    help: 'Vendor HTTP exchanges that did not succeed, by outcome (throttled, retry, error).',
    labelNames: ['vendor', 'outcome'],
    registers: [this.registry],
  });
  private readonly deliveryLatency = new Histogram({
    name: 'latchkey_webhook_delivery_latency_seconds',
    help: 'From a webhook delivery being created (its event committed and fanned out) to its first attempt.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  private readonly webhookAttempts = new Counter({
    name: 'latchkey_webhook_attempts_total',
    help: 'Webhook delivery attempts, per webhook.',
    labelNames: ['webhook_id'],
    registers: [this.registry],
  });
  private readonly webhookFailures = new Counter({
    name: 'latchkey_webhook_failures_total',
    help: 'Failed webhook delivery attempts (non-2xx, timeout, redirect, connection error), per webhook.',
    labelNames: ['webhook_id'],
    registers: [this.registry],
  });

  private queueSnapshot?: { at: number; value: Promise<QueueSnapshot[]> };
  private readonly vendorObservers = new Map<string, VendorRequestObserver>();

  constructor(private readonly readQueues: () => Promise<QueueSnapshot[]>) {
    collectDefaultMetrics({ register: this.registry });
    observeGcPauses(this.registry);
    const snapshot = () => this.queueSnapshots();
    new Gauge({
      name: 'latchkey_queue_jobs',
      help: 'Jobs per queue and state (shared by every process on the same queue backend).',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const q of await snapshot())
          for (const state of QUEUE_STATES) this.set({ queue: q.queue, state }, q.counts[state]);
      },
    });
    new Gauge({
      name: 'latchkey_queue_oldest_waiting_age_seconds',
      help: 'Age of the oldest job waiting in each queue (0 when none waits).',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const q of await snapshot()) this.set({ queue: q.queue }, q.oldestWaitingAgeSeconds);
      },
    });
  }

  syncRunStarted(kind: string): void {
    this.syncRunsStarted.inc({ kind });
  }

  syncRunFinished(kind: string, status: string, seconds: number): void {
    this.syncRunsFinished.inc({ kind, status });
    this.syncRunDuration.observe({ kind, status }, seconds);
  }

  syncPage(vendor: string, model: string, page: SyncPageCounts): void {
    if (page.seen > 0) this.recordsProcessed.inc({ vendor, model }, page.seen);
    if (page.quarantined > 0) this.recordsQuarantined.inc({ vendor, model }, page.quarantined);
    for (const d of page.drift) this.schemaDrift.inc({ vendor, model, kind: d.kind }, d.occurrences);
  }

  /** The observer a vendor's HTTP client reports its attempts to (one per vendor, reused by every client). */
  vendorRequestObserver(vendor: string): VendorRequestObserver {
    let observer = this.vendorObservers.get(vendor);
    if (!observer) {
      observer = (outcome: VendorAttemptOutcome, seconds: number) => {
        this.vendorRequestDuration.observe({ vendor, outcome }, seconds);
        if (outcome !== 'ok') this.vendorRequestErrors.inc({ vendor, outcome });
      };
      this.vendorObservers.set(vendor, observer);
    }
    return observer;
  }

  /** One webhook attempt; `latencySeconds` only for a delivery's first attempt. */
  webhookAttempt(webhookId: string, succeeded: boolean, latencySeconds: number | null): void {
    this.webhookAttempts.inc({ webhook_id: webhookId });
    if (!succeeded) this.webhookFailures.inc({ webhook_id: webhookId });
    if (latencySeconds !== null) this.deliveryLatency.observe(Math.max(0, latencySeconds));
  }

  private queueSnapshots(): Promise<QueueSnapshot[]> {
    if (!this.queueSnapshot || Date.now() - this.queueSnapshot.at > QUEUE_SNAPSHOT_TTL_MS) {
      this.queueSnapshot = { at: Date.now(), value: this.readQueues() };
    }
    return this.queueSnapshot.value;
  }
}
