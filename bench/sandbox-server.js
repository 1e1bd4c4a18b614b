// Runs the Buildium sandbox as its own process (so its CPU is not the app's), printing its URL.
// Usage: node bench/sandbox-server.js <residents> <clientId> <secret> [ledgers: none | first-leases | every-lease] [replay]
// `replay`: every successful GET is answered, from its second time on, with the bytes of its first answer (bench/lib's
// recordSandboxAnswers asks each page once before the timed run); `GET /_bench/replay` counts the answers so served.
const { startBuildiumSandboxServer } = require('../dist/sandbox/buildium/buildium-sandbox');
const { sendJson } = require('../dist/sandbox/kit/sandbox-http');

const [residents, clientId, secret, ledgers = 'none', mode = 'live'] = process.argv.slice(2);

/**
 * The sandbox's answers replayed: a real vendor renders its pages on its own machines, ours renders them on the two
 * cores the app and PostgreSQL share (14 µs of CPU per record of a first sync); a replayed page costs its write alone.
 * The answers of a full pull do not depend on when they are asked, so a replay is byte for byte the sandbox's answer.
 */
function replayAnswers(sandbox) {
  const render = sandbox.handle.bind(sandbox);
  const answers = new Map();
  const counts = { replayed: 0, rendered: 0 };
  sandbox.handle = (req, res, path) => {
    if (path === '/_bench/replay') {
      sendJson(res, 200, counts);
      return true;
    }
    if (req.method !== 'GET' || path.startsWith('/_control')) return render(req, res, path);
    const answer = answers.get(path);
    if (answer) {
      counts.replayed += 1;
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return true;
    }
    counts.rendered += 1;
    const { writeHead, end } = res;
    let status = 0;
    let headers = {};
    res.writeHead = (...args) => {
      [status, headers] = args;
      return writeHead.apply(res, args);
    };
    res.end = (body, ...rest) => {
      // Kept as bytes outside V8's heap: a million residents' pages are gigabytes, past its default limit.
      if (status === 200 && typeof body === 'string') answers.set(path, { status, headers, body: Buffer.from(body) });
      return end.call(res, body, ...rest);
    };
    return render(req, res, path);
  };
}

startBuildiumSandboxServer({
  residents: Number(residents),
  seed: 2026,
  credentials: [{ clientId, secret }],
  ledgers,
}).then((server) => {
  if (mode === 'replay') replayAnswers(server.sandbox);
  const counts = Object.fromEntries(Object.entries(server.sandbox.data).map(([k, v]) => [k, v.length]));
  process.stdout.write(`${JSON.stringify({ url: server.url, counts })}\n`);
});
