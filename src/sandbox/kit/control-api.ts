import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultInjector, type FaultSpec } from './fault-injector';
import { BodyError, isJsonObject, readJson, sendJson } from './sandbox-http';
import type { WriteLog } from './write-log';

type Rec = Record<string, any>;

/** The dataset options every simulator shares (GET /_control/state reports them). */
export interface SimulatorOptions {
  seed?: number;
  residents?: number;
}

/**
 * What a vendor simulator offers the control API under /_control/: its options and data, its faults, and
 * its own way to find, create, change, remove and show the records of each collection.
 */
export interface ControlledSimulator<Data extends { [C in keyof Data]: Rec[] }, Options extends SimulatorOptions> {
  readonly options: Options;
  /** The live collections, by the names the control paths use. */
  readonly data: Data;
  readonly faults: FaultInjector;
  /** The writes received since the last reset, per vendor operation. */
  readonly writes: WriteLog;
  readonly requestCount: number;
  reset(options: Options): void;
  state(): object;
  /** Edits `counts[kind]` records of each kind it knows; answers what it edited. */
  mutate(counts: Rec): object;
  /** The record a control path's id segment names. */
  find(collection: keyof Data, id: string): Rec | undefined;
  /** The new record, or why the body cannot make one (a 400). */
  create(collection: keyof Data, body: Rec): Rec | string;
  update(collection: keyof Data, record: Rec, changes: Rec): Rec;
  remove(collection: keyof Data, record: Rec): void;
  /** A record as the control API shows it, when that is not the stored record. */
  view?(collection: keyof Data, record: Rec): Rec;
  /**
   * POST /_control/links: takes a resident off lease `from` and/or puts it on lease `to` (add: no `from`;
   * remove: no `to`; move: both), changing only what the vendor shows of the link, and the last-updated
   * times the vendor would move. Answers what it changed, or why it cannot (a 400).
   */
  relink?(change: LinkChange): Rec | string;
}

/** A resident <-> lease link change of the control API, in the vendor's own ids. */
export interface LinkChange {
  resident: string;
  from: string | null;
  to: string | null;
}

export interface SimulatorRoutes {
  /** Answers every request outside /_control/. */
  vendorApi(url: URL): Promise<void>;
  /** Answers a failure as the vendor would (its 500 body). */
  sendInternalError(error: Error): void;
  /** The kinds POST /_control/mutate takes, named in its answer to a bad body. */
  mutateKinds: readonly string[];
  /** The only fault paths the vendor API serves (any path when absent). */
  faultPaths?: readonly string[];
  /** Vendor-only control actions keyed `METHOD head/id`, e.g. `POST cursors/expire`; each answers 200 with its result. */
  actions?: Record<string, () => unknown>;
}

/** Handles one request to a simulator: /_control/... here, everything else by its vendor API. */
export function handleSimulatorRequest<Data extends { [C in keyof Data]: Rec[] }, Options extends SimulatorOptions>(
  simulator: ControlledSimulator<Data, Options>,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  routes: SimulatorRoutes,
): boolean {
  const url = new URL(path, 'http://sandbox.invalid');
  const work =
    url.pathname === '/_control' || url.pathname.startsWith('/_control/')
      ? serveControlApi(simulator, req, res, url, routes)
      : routes.vendorApi(url);
  work.catch((error: unknown) => {
    if (res.headersSent) return void res.destroy();
    if (error instanceof BodyError) return sendJson(res, 400, { error: error.message });
    routes.sendInternalError(error as Error);
  });
  return true;
}

/** GET /_control/state: what every simulator reports, `extra` (its own fields) before the faults. */
export function simulatorState<Data extends { [C in keyof Data]: Rec[] }, Options extends SimulatorOptions>(
  simulator: ControlledSimulator<Data, Options>,
  vendor: string,
  extra: Rec = {},
  counts: Rec = Object.fromEntries(
    Object.entries<Rec[]>(simulator.data).map(([collection, records]) => [collection, records.length]),
  ),
) {
  const { options } = simulator;
  return {
    vendor,
    seed: options.seed ?? 1,
    residents: options.residents ?? 60,
    counts,
    requestCount: simulator.requestCount,
    ...extra,
    faults: simulator.faults.list(),
  };
}

/** When the last vendor response was sent, for the state (benchmarks time the sync's tail from it). */
export const isoTimeOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The control API: state, reset, mutate, faults, writes (what the vendor API received per write operation), links (a resident added to, moved between or removed from
 * leases), and list/create/get/patch/delete of each collection's records (`/_control/<collection>[/<id>]`).
 */
async function serveControlApi<Data extends { [C in keyof Data]: Rec[] }, Options extends SimulatorOptions>(
  simulator: ControlledSimulator<Data, Options>,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  routes: SimulatorRoutes,
): Promise<void> {
  const [head, id, beyond] = url.pathname.split('/').filter(Boolean).slice(1); // drop "_control"
  const method = req.method ?? 'GET';
  if (head === undefined || (head === 'state' && method === 'GET')) return sendJson(res, 200, simulator.state());
  if (head === 'reset' && method === 'POST') {
    const overrides = ((await readJson(req)) ?? {}) as Options;
    simulator.reset({ ...simulator.options, ...overrides });
    return sendJson(res, 200, simulator.state());
  }
  if (head === 'writes' && method === 'GET' && id === undefined) return sendJson(res, 200, simulator.writes.snapshot());
  const action = routes.actions?.[`${method} ${head}/${id}`];
  if (action) return sendJson(res, 200, action());
  if (head === 'links' && method === 'POST' && id === undefined && simulator.relink) {
    const change = linkChange(await readJson(req));
    if (typeof change === 'string') return sendJson(res, 400, { error: change });
    const changed = simulator.relink(change);
    return typeof changed === 'string' ? sendJson(res, 400, { error: changed }) : sendJson(res, 200, changed);
  }
  if (head === 'mutate' && method === 'POST') {
    const body = await readJson(req);
    if (!isJsonObject(body))
      return sendJson(res, 400, {
        error: `body must be {${routes.mutateKinds.map((kind) => `"${kind}"?: n`).join(', ')}}`,
      });
    return sendJson(res, 200, simulator.mutate(body));
  }
  if (head === 'faults') {
    if (method === 'GET') return sendJson(res, 200, simulator.faults.list());
    if (method === 'DELETE') {
      simulator.faults.clear(id === undefined ? undefined : Number(id));
      return sendJson(res, 204, undefined);
    }
    if (method === 'POST') {
      const body = await readJson(req);
      const problem = FaultInjector.validate(body) ?? unservedFaultPath(body as FaultSpec, routes.faultPaths);
      if (problem) return sendJson(res, 400, { error: problem });
      return sendJson(res, 201, simulator.faults.add(body as FaultSpec));
    }
  }

  if (!Object.hasOwn(simulator.data, head) || beyond !== undefined)
    return sendJson(res, 404, { error: `unknown control route ${url.pathname}` });
  const collection = head as keyof Data;
  const view = (record: Rec) => simulator.view?.(collection, record) ?? record;
  if (method === 'GET' && id === undefined) return sendJson(res, 200, simulator.data[collection]);
  if (method === 'POST' && id === undefined) {
    const body = await readJson(req);
    if (!isJsonObject(body)) return sendJson(res, 400, { error: 'body must be a JSON object' });
    const created = simulator.create(collection, body);
    return typeof created === 'string' ? sendJson(res, 400, { error: created }) : sendJson(res, 201, view(created));
  }
  const record = id === undefined ? undefined : simulator.find(collection, id);
  if (!record) return sendJson(res, 404, { error: `${head} ${id} not found` });
  if (method === 'GET') return sendJson(res, 200, view(record));
  if (method === 'PATCH') {
    const body = await readJson(req);
    if (!isJsonObject(body)) return sendJson(res, 400, { error: 'body must be a JSON object' });
    return sendJson(res, 200, view(simulator.update(collection, record, body)));
  }
  if (method === 'DELETE') {
    simulator.remove(collection, record);
    return sendJson(res, 204, undefined);
  }
  return sendJson(res, 405, { error: `${method} not supported on ${url.pathname}` });
}

/**
 * For vendors where a resident may be on several leases: the lease a link change takes the resident off
 * and the one it puts it on (null where the change names none), or why it cannot (`noun` names the vendor's
 * resident in the answer, `isOn` says whether the resident is on a lease).
 */
export function relinkedLeases<Lease>(
  change: LinkChange,
  noun: string,
  findLease: (id: string) => Lease | undefined,
  isOn: (lease: Lease) => boolean,
): { off: Lease | null; on: Lease | null } | string {
  const { resident, from, to } = change;
  const off = from === null ? null : findLease(from);
  const on = to === null ? null : findLease(to);
  if (off === undefined) return `lease ${from} not found`;
  if (on === undefined) return `lease ${to} not found`;
  if (off && !isOn(off)) return `${noun} ${resident} is not on lease ${from}`;
  if (on && isOn(on)) return `${noun} ${resident} is on lease ${to} already`;
  return { off, on };
}

/** The body of POST /_control/links, or what is wrong with it. */
function linkChange(body: unknown): LinkChange | string {
  const usage =
    'body must be {"resident": id, "from"?: lease id, "to"?: lease id} with from, to or both, and they must differ';
  if (!isJsonObject(body)) return usage;
  const id = (value: unknown) =>
    typeof value === 'string' && value !== ''
      ? value
      : typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : null;
  const resident = id(body.resident);
  const from = id(body.from);
  const to = id(body.to);
  const absentOrId = (value: unknown) => value === undefined || value === null || id(value) !== null;
  if (
    resident === null ||
    !absentOrId(body.from) ||
    !absentOrId(body.to) ||
    (from === null && to === null) ||
    from === to
  )
    return usage;
  return { resident, from, to };
}

function unservedFaultPath(spec: FaultSpec, faultPaths: readonly string[] | undefined): string | null {
  if (!faultPaths || spec.path === undefined || faultPaths.includes(spec.path)) return null;
  return `path must be one of ${faultPaths.join(', ')}`;
}
