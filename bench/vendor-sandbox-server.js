// Runs one vendor's sandbox as its own process (its CPU is not the app's), unthrottled, printing its URL and
// the credentials it accepts. Usage: node bench/vendor-sandbox-server.js <slug> <residents>
const SANDBOXES = {
  buildium: () => [
    require('../dist/sandbox/buildium/buildium-sandbox'),
    'startBuildiumSandboxServer',
    'BUILDIUM_SANDBOX_CREDENTIALS',
    // No lease ledgers (issue 21): the data, and so the figures, of the runs before they existed.
    { ledgers: 'none' },
  ],
  'propertyware-rest': () => [
    require('../dist/sandbox/propertyware-rest/propertyware-rest-sandbox'),
    'startPropertywareRestSandboxServer',
    'PROPERTYWARE_REST_SANDBOX_CREDENTIALS',
    { requestsPerSecond: 0 },
  ],
  yardi: () => [
    require('../dist/sandbox/yardi/yardi-sandbox'),
    'startYardiSandboxServer',
    'YARDI_SANDBOX_CREDENTIALS',
    // No households' ledgers (issue 21): the data, and so the figures, of the runs before they existed.
    { ledgers: 'none' },
  ],
  entrata: () => [
    require('../dist/sandbox/entrata/entrata-sandbox'),
    'startEntrataSandboxServer',
    'ENTRATA_SANDBOX_CREDENTIALS',
    { rateLimits: { minute: 1e9, hour: 1e9, day: 1e9 } },
  ],
  appfolio: () => [
    require('../dist/sandbox/appfolio/appfolio-sandbox'),
    'startAppfolioSandboxServer',
    'APPFOLIO_SANDBOX_CREDENTIALS',
    { requestBudget: null },
  ],
};

const [slug, residents] = process.argv.slice(2);
const [module_, start, credentialsName, unthrottled] = SANDBOXES[slug]();
module_[start]({ residents: Number(residents), seed: 2026, ...unthrottled }).then((server) => {
  process.stdout.write(`${JSON.stringify({ url: server.url, credentials: module_[credentialsName] })}\n`);
});
