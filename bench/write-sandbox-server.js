// Runs the Buildium sandbox as its own process (its CPU is not the app's), unthrottled, printing its URL, then
// one line per request as it arrives: "<monotonic ns> <epoch ms> <method> <path>". The monotonic clock
// (process.hrtime) is the machine's, so the benchmark compares these times with its own; the epoch time (µs
// precision) with PostgreSQL's timestamps.
// Usage: node bench/write-sandbox-server.js <residents> <clientId> <secret>
const { createBuildiumSandbox } = require('../dist/sandbox/buildium/buildium-sandbox');
const { serveSandbox } = require('../dist/sandbox/kit/sandbox-http');

const [residents, clientId, secret] = process.argv.slice(2);
const sandbox = createBuildiumSandbox({
  residents: Number(residents),
  seed: 2026,
  credentials: [{ clientId, secret }],
  // No lease ledgers (issue 21): the data, and so the figures, of the runs before they existed.
  ledgers: 'none',
});
const handle = sandbox.handle.bind(sandbox);
let pending = [];
sandbox.handle = (req, res, path) => {
  const epochMs = (performance.timeOrigin + performance.now()).toFixed(3);
  pending.push(`${process.hrtime.bigint()} ${epochMs} ${req.method} ${path.split('?')[0]}`);
  // One write per turn of the event loop, so a burst of arrivals costs one syscall.
  if (pending.length === 1) setImmediate(flushArrivals);
  return handle(req, res, path);
};
function flushArrivals() {
  process.stdout.write(`${pending.join('\n')}\n`);
  pending = [];
}
serveSandbox(sandbox).then((server) => process.stdout.write(`${JSON.stringify({ url: server.url })}\n`));
