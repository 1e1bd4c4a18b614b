/**
 * A JSON request sender for the foreign servers' throttled requests: a 429 is sent again (they throttle a
 * fixed request, not a rate, so the next try goes through).
 */
export function sendPastThrottle(url: () => string, headers: Record<string, string>) {
  const send = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const res = await fetch(`${url()}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.status === 429 ? send(method, path, body) : res;
  };
  return send;
}
