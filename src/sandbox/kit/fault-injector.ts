import { sleep } from './sandbox-http';

/**
 * Fault injection shared by the vendor simulators: a fault applies to requests for `path` (all requests
 * when absent), `times` times (for ever when absent), until cleared.
 */
export interface Fault {
  id: number;
  /** The request path (without query) this fault applies to; a trailing `*` matches every path it starts. */
  path?: string;
  /** Remaining applications; undefined = until cleared. */
  times?: number;
  /** Respond with this HTTP status instead of the data. */
  status?: number;
  /** Headers to send with a status fault, e.g. {"Retry-After": "1"}. */
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (the client must time out). A write is applied first, as a vendor that times out may have done it. */
  hang?: boolean;
  /**
   * For a write answered with a 5xx status: apply the write, then answer with the status (the ambiguous
   * failure the write pipeline must not resend). Without it a status fault answers before anything is applied;
   * a 429 never applies.
   */
  afterApply?: boolean;
  /** Corrupt one record of the page: its `field` (the vendor's id field by default) is set to `value`. */
  malformed?: { index?: number; field?: string; value?: unknown } | true;
  /** Rename a field in every record of the page (a vendor changing its schema under us). */
  renameField?: { from: string; to: string };
  /** Only requests of this HTTP method (a write's POST or PUT beside the GET of the same path). */
  method?: string;
}

export type FaultSpec = Omit<Fault, 'id'>;

const FAULT_KEYS = new Set([
  'path',
  'times',
  'status',
  'headers',
  'delayMs',
  'hang',
  'afterApply',
  'malformed',
  'renameField',
  'method',
]);

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;

  /** Validates a fault from the control API; returns an error message for a bad one. */
  static validate(body: unknown): string | null {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'a fault must be a JSON object';
    const f = body as Record<string, unknown>;
    const unknown = Object.keys(f).filter((k) => !FAULT_KEYS.has(k));
    if (unknown.length) return `unknown fault fields: ${unknown.join(', ')}`;
    if (
      f.status !== undefined &&
      !(Number.isInteger(f.status) && (f.status as number) >= 100 && (f.status as number) <= 599)
    )
      return 'status must be an HTTP status code';
    if (f.times !== undefined && !(Number.isInteger(f.times) && (f.times as number) > 0))
      return 'times must be a positive integer';
    if (f.delayMs !== undefined && !(typeof f.delayMs === 'number' && f.delayMs >= 0))
      return 'delayMs must be a non-negative number';
    if (f.path !== undefined && typeof f.path !== 'string') return 'path must be a string';
    if (f.method !== undefined && !['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(f.method as string))
      return 'method must be GET, POST, PUT, PATCH or DELETE';
    if (f.afterApply !== undefined && typeof f.afterApply !== 'boolean') return 'afterApply must be a boolean';
    if (f.renameField !== undefined) {
      const r = f.renameField as Record<string, unknown> | null;
      if (!r || typeof r.from !== 'string' || typeof r.to !== 'string') return 'renameField must be {from, to}';
    }
    return null;
  }

  add(spec: FaultSpec): Fault {
    const fault = { ...spec, id: this.nextId++ };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(id?: number): void {
    this.faults = id === undefined ? [] : this.faults.filter((f) => f.id !== id);
  }

  /**
   * The faults that apply to this request, each consumed once. A failing fault (status or hang) answers
   * the request alone, so data faults queued behind it still reach a later, successful response.
   */
  take(path: string, method = 'GET'): Fault[] {
    const matched = this.faults.filter(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || (f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : path === f.path)),
    );
    const failing = matched.find((f) => f.status !== undefined || f.hang);
    const applied = failing
      ? matched.filter(
          (f) =>
            f === failing ||
            (f.delayMs !== undefined && !f.malformed && !f.renameField && f.status === undefined && !f.hang),
        )
      : matched;
    for (const f of applied) if (f.times !== undefined) f.times -= 1;
    this.faults = this.faults.filter((f) => f.times === undefined || f.times > 0);
    return applied;
  }

  /**
   * Takes this request's faults and waits out their delay (at least `minDelayMs`): `hang` means answer
   * nothing (the client must time out), `failing` is the status fault to answer with instead of the data.
   */
  async takeAndDelay(
    path: string,
    minDelayMs = 0,
    method = 'GET',
  ): Promise<{ faults: Fault[]; hang: boolean; failing: Fault | undefined }> {
    const faults = this.take(path, method);
    const delay = Math.max(minDelayMs, ...faults.map((f) => f.delayMs ?? 0));
    if (delay) await sleep(delay);
    return { faults, hang: faults.some((f) => f.hang), failing: faults.find((f) => f.status !== undefined) };
  }

  /** Applies record-level faults to a page about to be served (on copies: the dataset stays intact). */
  static corruptPage(records: object[], faults: Fault[], idField: string): object[] {
    let page = records;
    for (const fault of faults) {
      if (fault.renameField) {
        const { from, to } = fault.renameField;
        page = page.map((r) => {
          if (!(from in r)) return r;
          const { [from]: value, ...rest } = r as Record<string, unknown>;
          return { ...rest, [to]: value };
        });
      }
      if (fault.malformed && page.length > 0) {
        const m = fault.malformed === true ? {} : fault.malformed;
        const index = Math.min(m.index ?? 0, page.length - 1);
        page = page.slice();
        page[index] = { ...page[index], [m.field ?? idField]: m.value === undefined ? { corrupt: true } : m.value };
      }
    }
    return page;
  }
}
