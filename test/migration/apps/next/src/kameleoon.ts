// Official form: ./kameleoon.ts.official (only the import lines differ: the SDK's from kameleoon-ts,
// the helpers' classes from kameleoon-ts/node, under their names; and the dev server).
import { KameleoonClient } from 'kameleoon-ts';
import { KameleoonEventSource } from 'kameleoon-ts/node';
import { KameleoonRequester } from 'kameleoon-ts/node';
import { KameleoonVisitorCodeManager } from 'kameleoon-ts/node';

const DEV_SERVER = process.env.KAMELEOON_DEV_SERVER; // the local dev server (endpoints below)

// --- Kameleoon SDK credentials and site configuration ---
const SITE_CODE = 'my_site_code'; // Your Kameleoon site code
const CLIENT_ID = 'my_client_id'; // SDK client ID
const CLIENT_SECRET = 'my_client_secret'; // SDK client secret

// --- One Kameleoon client per server process ---
let kameleoonClient: KameleoonClient | null = null;

/**
 * The server's Kameleoon client, created on the first call and initialized before it is
 * returned; a failed initialization is tried again on the next call.
 */
export async function initClient(): Promise<KameleoonClient> {
  if (!kameleoonClient) {
    kameleoonClient = new KameleoonClient({
      siteCode: SITE_CODE,
      credentials: {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      },
      configuration: {
        updateInterval: 1,
        endpoints: { configuration: DEV_SERVER, tracking: DEV_SERVER, realTime: DEV_SERVER, dataApi: DEV_SERVER, api: DEV_SERVER },
      },
      externals: {
        visitorCodeManager: new KameleoonVisitorCodeManager(), // reads and writes the visitor-code cookie
        eventSource: new KameleoonEventSource(), // real-time configuration updates
        requester: new KameleoonRequester(), // the SDK's HTTP requests
      },
    });
  }

  if (!kameleoonClient.isInitialized()) {
    await kameleoonClient.initialize();
  }

  return kameleoonClient;
}

// Loads the configuration as the server starts, so that the first request does not wait for it.
await initClient();
