import { getArrayPage, offsetPages } from '../adapter/offset-pages';
import { VendorRequestError, type VendorHttp } from '../adapter/vendor-http';
import { BUILDIUM_ENDPOINTS, BUILDIUM_FACTS, BUILDIUM_WORK_ORDERS } from './buildium.facts';

type Raw = Record<string, any>;

/** Requests in flight at once while reading per-lease ledgers or per-chunk work orders (the budget still paces them). */
export const REQUESTS_IN_FLIGHT = 4;
/** Task ids per work-order request: the repeated `taskids` keep the URL under 2 KB. */
const TASK_IDS_PER_REQUEST = 100;

/** Units' numbers by id, for resident requests (a ResidentRequestTaskMessage has the unit's id only). */
export type UnitNumbers = (unitIds: number[]) => Promise<Map<number, string>>;

/**
 * For a sync: every unit, read once per pull when a request first names one (GET /v1/rentals/units, pages of
 * 1,000), kept as id → number.
 */
export function allUnitNumbers(http: VendorHttp): UnitNumbers {
  let numbers: Promise<Map<number, string>> | null = null;
  const load = async () => {
    const found = new Map<number, string>();
    const pages = offsetPages(BUILDIUM_FACTS.pageSize, (offset, limit) =>
      getArrayPage(http, BUILDIUM_ENDPOINTS.units, { offset, limit }),
    );
    for await (const page of pages)
      for (const unit of page.records as Raw[])
        if (typeof unit?.Id === 'number' && typeof unit.UnitNumber === 'string') found.set(unit.Id, unit.UnitNumber);
    return found;
  };
  return (unitIds) => (unitIds.length === 0 ? Promise.resolve(new Map()) : (numbers ??= load()));
}

/** For a write's read-back: each unit by its id (GET /v1/rentals/units/{unitId}). */
export function unitNumbersById(http: VendorHttp): UnitNumbers {
  return async (unitIds) => {
    const found = new Map<number, string>();
    for (const id of new Set(unitIds)) {
      const unit = await getOrNull(http, `${BUILDIUM_ENDPOINTS.units}/${id}`);
      if (typeof unit?.UnitNumber === 'string') found.set(id, unit.UnitNumber);
    }
    return found;
  };
}

/**
 * Resident requests as the mapping takes them: each with its work orders (`WorkOrders`: GET /v1/workorders with
 * the requests' ids as repeated `taskids`, joined on `Task.Id`) and its unit's number (`UnitNumber`).
 */
export async function completeRequests(http: VendorHttp, tasks: Raw[], unitNumbers: UnitNumbers): Promise<Raw[]> {
  const ids = tasks.map((t) => t?.Id).filter((id): id is number => typeof id === 'number');
  const byTask = new Map<number, Raw[]>();
  const chunks: number[][] = [];
  for (let i = 0; i < ids.length; i += TASK_IDS_PER_REQUEST) chunks.push(ids.slice(i, i + TASK_IDS_PER_REQUEST));
  await mapConcurrently(chunks, REQUESTS_IN_FLIGHT, async (chunk) => {
    const query = ['type=ResidentRequest', ...chunk.map((id) => `taskids=${id}`)].join('&');
    const pages = offsetPages(BUILDIUM_FACTS.pageSize, (offset, limit) =>
      getArrayPage(http, `${BUILDIUM_WORK_ORDERS}?${query}`, { offset, limit }),
    );
    for await (const page of pages)
      for (const order of page.records as Raw[]) {
        const taskId = order?.Task?.Id;
        if (typeof taskId !== 'number') continue;
        const list = byTask.get(taskId);
        if (list) list.push(order);
        else byTask.set(taskId, [order]);
      }
  });
  const numbers = await unitNumbers(tasks.map((t) => t?.UnitId).filter((id): id is number => typeof id === 'number'));
  return tasks.map((task) =>
    task && typeof task === 'object'
      ? { ...task, WorkOrders: byTask.get(task.Id) ?? [], UnitNumber: numbers.get(task.UnitId) ?? null }
      : task,
  );
}

/** A record by its path, or null when Buildium has no such record (404). */
export async function getOrNull(http: VendorHttp, path: string): Promise<Raw | null> {
  try {
    return (await http.get<Raw>(path)).data;
  } catch (error) {
    if (error instanceof VendorRequestError && error.status === 404) return null;
    throw error;
  }
}

/** `fn` over `items`, at most `limit` at once; results in the items' order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * `fn` over the items as they come, `ahead` calls started before their results are taken; results in the items'
 * order. The items are drawn only as the window moves, so memory holds the window, not the items. A call that
 * fails throws when its result is taken; calls still running when the reader stops are left to settle.
 */
export async function* readAhead<T, R>(
  items: AsyncIterable<T>,
  ahead: number,
  fn: (item: T) => Promise<R>,
): AsyncIterable<R> {
  const source = items[Symbol.asyncIterator]();
  const started: Promise<R>[] = [];
  let drawn = false;
  try {
    for (;;) {
      while (!drawn && started.length < ahead) {
        const next = await source.next();
        if (next.done) drawn = true;
        else {
          const call = fn(next.value);
          call.catch(() => undefined); // taken in order below; this only keeps Node from calling it unhandled
          started.push(call);
        }
      }
      const first = started.shift();
      if (first === undefined) return;
      yield await first;
    }
  } finally {
    if (!drawn) await source.return?.();
  }
}
