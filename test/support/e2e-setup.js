// End-to-end tests boot real processes; give each test the time a cold start and a sync need.
jest.setTimeout(180_000);

// No app process outlives its test file, even one whose start-up failed half-way.
afterAll(() => require('./app-process').killStartedApps());
