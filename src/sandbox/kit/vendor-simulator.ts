import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ControlledSimulator, handleSimulatorRequest, type SimulatorOptions } from './control-api';
import { type Fault, FaultInjector } from './fault-injector';
import { sendJson, type VendorSandbox } from './sandbox-http';
import { SlidingWindowThrottle } from './sliding-window-throttle';
import { WriteLog } from './write-log';

type Rec = Record<string, any>;
export type Collections<Data> = { [C in keyof Data]: Rec[] };

/** What tests, benchmarks and the app see of a simulator. */
export interface SimulatedVendor<Data, Options> extends VendorSandbox {
  /** The live collections (tests compare the cache with them). */
  readonly data: Data;
  readonly faults: FaultInjector;
  /** The writes received since the last reset, per vendor operation (GET /_control/writes). */
  readonly writes: WriteLog;
  reset(options?: Options): void;
  /** Vendor-API requests counted since the last reset (control requests and refused ones excluded). */
  readonly requestCount: number;
}

/** What a vendor adds to the shared control API (see SimulatorRoutes). */
export interface SimulatorControl {
  mutateKinds: readonly string[];
  faultPaths?: readonly string[];
  actions?: Record<string, () => unknown>;
}

/**
 * The skeleton every vendor simulator shares: its options and live data (made anew on reset), injected faults,
 * a request throttle, the count of vendor requests, the split of its mount point between the control API
 * (/_control/) and the vendor API, and the step every counted vendor request takes through the faults. A
 * vendor's subclass keeps what is its vendor's: routes, credentials, record shapes, errors, and how its records
 * are created, changed and linked. Create one with `new Simulator().reset(options)`.
 */
export abstract class VendorSimulator<Data extends Collections<Data>, Options extends SimulatorOptions>
  implements VendorSandbox, ControlledSimulator<Data, Options>
{
  readonly faults = new FaultInjector();
  readonly writes = new WriteLog();
  options!: Options;
  protected store!: Data;
  /** Vendor-API requests counted since the last reset (control requests and refused ones excluded). */
  requestCount = 0;
  protected mutationRound = 0;
  protected readonly throttle = new SlidingWindowThrottle();
  /** When the last vendor page was sent (benchmarks time the sync's tail from it). */
  protected lastResponseAt: number | null = null;

  /** The live collections (tests compare the cache with them). */
  get data(): Data {
    return this.store;
  }

  /** A new dataset from `options` (the current ones by default), without faults, throttle history or counted requests. */
  reset(options: Options = this.options): this {
    this.options = { ...options };
    this.store = this.generate(options);
    this.faults.clear();
    this.writes.clear();
    this.throttle.clear();
    this.requestCount = 0;
    this.onReset();
    return this;
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    return handleSimulatorRequest<Data, Options>(this, req, res, path, {
      ...this.control(),
      vendorApi: (url) => this.vendorApi(req, res, url, path),
      sendInternalError: (error) => this.sendInternalError(res, error),
    });
  }

  abstract state(): object;
  abstract mutate(counts: Rec): object;
  abstract find(collection: keyof Data, id: string): Rec | undefined;
  abstract create(collection: keyof Data, body: Rec): Rec | string;
  abstract update(collection: keyof Data, record: Rec, changes: Rec): Rec;
  abstract remove(collection: keyof Data, record: Rec): void;

  protected abstract generate(options: Options): Data;
  /** Clears the vendor's own state on reset (indexes, change times, cursors). */
  protected onReset(): void {}
  protected abstract control(): SimulatorControl;
  /** Answers every request outside /_control/. */
  protected abstract vendorApi(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void>;
  /** Answers a failure as the vendor would (its 500 body). */
  protected abstract sendInternalError(res: ServerResponse, error: Error): void;

  /** Takes a record out of its collection. */
  protected removeRecord(collection: keyof Data, record: Rec): void {
    const records = this.store[collection];
    records.splice(records.indexOf(record), 1);
  }

  /** Whether this request is beyond `perSecond` requests in the last second (it is counted when it is not); never without a limit. */
  protected overRate(perSecond: number | undefined): boolean {
    return !!perSecond && this.throttle.admit(perSecond, 1000) > 0;
  }

  /**
   * Counts an admitted vendor request and takes its injected faults for `path`, waiting out their delay (at least
   * `minDelayMs`). Null when the request is answered already: a hang (the client must time out), or a status
   * fault, which `sendFailure` answers in the vendor's words; else the record faults for the answer.
   */
  protected async served(
    path: string,
    sendFailure: (fault: Fault & { status: number }) => void,
    minDelayMs = 0,
  ): Promise<Fault[] | null> {
    this.requestCount += 1;
    const { faults, hang, failing } = await this.faults.takeAndDelay(path, minDelayMs);
    if (hang) return null;
    if (failing) {
      sendFailure(failing as Fault & { status: number });
      return null;
    }
    return faults;
  }

  /**
   * Counts an admitted write to `operation` and runs it through the faults for `path`: a 429, or another status
   * fault without `afterApply`, answers before anything is applied; otherwise `perform` validates and applies the
   * write, and its answer is sent unless a hang (applied, never answered: the client times out) or an
   * `afterApply` status fault answers instead. The outcome is logged per operation either way.
   */
  protected async servedWrite(
    path: string,
    operation: string,
    sendFailure: (fault: Fault & { status: number }) => void,
    perform: () => WriteResult,
    method = 'POST',
  ): Promise<void> {
    this.requestCount += 1;
    this.writes.receive(operation);
    const { hang, failing } = await this.faults.takeAndDelay(path, 0, method);
    const status = failing as (Fault & { status: number }) | undefined;
    if (status && (status.status === 429 || !status.afterApply)) {
      this.writes.record(operation, 'refused');
      return sendFailure(status);
    }
    const result = perform();
    this.writes.record(operation, result.outcome);
    if (hang) return;
    if (status) return sendFailure(status);
    result.respond();
  }

  /** A write the vendor refuses before any fault or change (unsupported, refused by its rate limit), logged. */
  protected refuseWrite(operation: string, outcome: 'rejected' | 'refused', respond: () => void): void {
    this.requestCount += 1;
    this.writes.receive(operation);
    this.writes.record(operation, outcome);
    respond();
  }

  /** One record as served by id, record faults applied to its copy (`idField` is what a malformed fault corrupts). */
  protected sendRecord(res: ServerResponse, record: Rec, faults: Fault[], idField: string): void {
    const [served] = FaultInjector.corruptPage([record], faults, idField);
    sendJson(res, 200, served);
  }

  /** The page [offset, offset + limit) of an offset/limit list, each record as `view` serves it, the total in X-Total-Count. */
  protected sendOffsetPage(
    res: ServerResponse,
    matching: Rec[],
    page: { offset: number; limit: number },
    view: (record: Rec) => Rec,
    faults: Fault[],
    idField: string,
  ): void {
    const records = matching.slice(page.offset, page.offset + page.limit).map(view);
    sendJson(res, 200, FaultInjector.corruptPage(records, faults, idField), {
      'X-Total-Count': String(matching.length),
    });
    this.lastResponseAt = Date.now();
  }
}

/** What a vendor's write step did, and the answer it sends unless a fault answers instead. */
export interface WriteResult {
  outcome: 'applied' | 'rejected';
  respond: () => void;
}

/**
 * The last change time of each record, kept beside the data (some vendors show none, others only seconds), for
 * the since-filters: a record never touched changed when the dataset was seeded.
 */
export class ChangeClock {
  private readonly changed = new WeakMap<object, number>();
  private last: number;

  constructor(private readonly seededAt: number) {
    this.last = seededAt;
  }

  /** Marks a record changed now, strictly later than any earlier change (so since-filters see it); returns that time. */
  touch(record: object): number {
    this.last = Math.max(Date.now(), this.last + 1);
    this.changed.set(record, this.last);
    return this.last;
  }

  /** Marks a record changed with the latest change (one that embeds the record just touched). */
  touchAlong(record: object): void {
    this.changed.set(record, this.last);
  }

  changedAt(record: object): number {
    return this.changed.get(record) ?? this.seededAt;
  }
}

/** Each collection's records by their numeric id, built on first use and forgotten when records come or go. */
export class RecordIndexes<Data extends Collections<Data>> {
  private built: Partial<Record<keyof Data, Map<number, Rec>>> = {};

  constructor(
    private readonly data: () => Data,
    private readonly idField: (collection: keyof Data) => string,
  ) {}

  of(collection: keyof Data): Map<number, Rec> {
    const idField = this.idField(collection);
    return (this.built[collection] ??= new Map(this.data()[collection].map((r) => [r[idField], r])));
  }

  /** Forgets one collection's index, or all. */
  forget(collection?: keyof Data): void {
    if (collection === undefined) this.built = {};
    else this.built[collection] = undefined;
  }
}
