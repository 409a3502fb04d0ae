/**
 * What the Node build decides on a dev server's configuration: the expectation of the tests that
 * run real apps (test/e2e, test/migration, test/edge). Nothing leaves the client: the configuration
 * is the dev server's, its refresh answers 304, tracking goes nowhere.
 */
import { KameleoonClient } from '../../src/node.ts';
import type { DevServer } from '../../src/devserver/server.ts';

/** An initialized Node client on `dev`'s configuration for `siteCode`; close it when done. */
export async function devServerOracle(dev: DevServer, siteCode: string): Promise<KameleoonClient> {
  const client = new KameleoonClient({
    siteCode,
    configuration: { defaultDataFile: dev.configuration() as never, endpoints: { realTime: dev.url } },
    externals: {
      requester: { sendRequest: async ({ requestType }) => new Response(null, { status: requestType === 'tracking' ? 204 : 304 }) },
      logger: { log() {} },
    },
  });
  await client.initialize();
  return client;
}
