// End-to-end tests boot real processes; give each test the time a cold start and a sync need.
jest.setTimeout(180_000);
