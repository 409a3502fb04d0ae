// The adapter, built from the client's parameters: one client per runtime (the Node server's for
// pages and routes, the edge build's in middleware), its endpoints the test's local server.
import { createKameleoonAdapter } from 'kameleoon-ts/flags-sdk';

const SERVER = process.env.KAMELEOON_TEST_SERVER;

export const kameleoon = createKameleoonAdapter({
  siteCode: 'of-site',
  configuration: { endpoints: { configuration: SERVER, tracking: SERVER, realTime: SERVER }, requestTimeout: 5_000 },
});
