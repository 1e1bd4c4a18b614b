import type { RawPage } from './vendor-adapter';
import { VendorRequestError, type VendorHttp } from './vendor-http';

/**
 * Every page of an offset/limit endpoint, until the vendor's total is reached (without one, a short page is
 * the last). The next page is requested while the caller is still writing the current one, so vendor
 * latency overlaps our own work.
 */
export async function* offsetPages(
  limit: number,
  fetchPage: (offset: number, limit: number) => Promise<RawPage>,
): AsyncIterable<RawPage> {
  const prefetch = (offset: number) => {
    const request = fetchPage(offset, limit);
    request.catch(() => undefined); // a prefetch the caller abandons must not crash the process when it fails
    return request;
  };
  let offset = 0;
  let pending = prefetch(offset);
  for (;;) {
    const { records, total } = await pending;
    offset += records.length;
    const more = records.length > 0 && (total !== undefined ? offset < total : records.length >= limit);
    if (more) pending = prefetch(offset);
    yield { records, total };
    if (!more) return;
  }
}

/** One GET of a JSON-array page, with the total its X-Total-Count header gives (when it gives one). */
export async function getArrayPage(
  http: VendorHttp,
  path: string,
  params: Record<string, string | number | undefined>,
): Promise<RawPage> {
  const response = await http.get<unknown>(path, params);
  if (!Array.isArray(response.data))
    throw new VendorRequestError(`${path} did not return a JSON array`, response.status, false);
  const totalHeader = response.headers['x-total-count'];
  const total = totalHeader !== undefined && /^\d+$/.test(String(totalHeader)) ? Number(totalHeader) : undefined;
  return { records: response.data, total };
}
