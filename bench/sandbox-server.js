// Runs the Buildium sandbox as its own process (so its CPU is not the app's), printing its URL.
// Usage: node bench/sandbox-server.js <residents> <clientId> <secret> [ledgers: none | first-leases | every-lease]
const { startBuildiumSandboxServer } = require('../dist/sandbox/buildium/buildium-sandbox');

const [residents, clientId, secret, ledgers = 'none'] = process.argv.slice(2);
startBuildiumSandboxServer({
  residents: Number(residents),
  seed: 2026,
  credentials: [{ clientId, secret }],
  ledgers,
}).then((server) => {
  const { counts } = {
    counts: Object.fromEntries(Object.entries(server.sandbox.data).map(([k, v]) => [k, v.length])),
  };
  process.stdout.write(`${JSON.stringify({ url: server.url, counts })}\n`);
});
