// App 5: a plain Node.js http server. Official form: ./server.mjs.official (only the import lines
// differ: the SDK's from kameleoon-ts, the helpers' classes from kameleoon-ts/node; and the dev server).
import http from 'node:http';
import { KameleoonClient } from 'kameleoon-ts';
import { KameleoonVisitorCodeManager } from 'kameleoon-ts/node';
import { KameleoonEventSource } from 'kameleoon-ts/node';
import { KameleoonRequester } from 'kameleoon-ts/node';

const DEV_SERVER = process.env.KAMELEOON_DEV_SERVER; // the local dev server (endpoints below)

const client = new KameleoonClient({
  siteCode: 'my_site_code',
  credentials: {
    clientId: 'my_client_id',
    clientSecret: 'my_client_secret',
  },
  configuration: {
    updateInterval: 1,
    endpoints: { configuration: DEV_SERVER, tracking: DEV_SERVER, realTime: DEV_SERVER, dataApi: DEV_SERVER, api: DEV_SERVER },
  },
  externals: {
    visitorCodeManager: new KameleoonVisitorCodeManager(),
    eventSource: new KameleoonEventSource(),
    requester: new KameleoonRequester(),
  },
});

// -- Wait for the client initialization
await client.initialize();

const server = http.createServer((request, response) => {
  // -- Generate or obtain a visitor code
  const visitorCode = client.getVisitorCode({ request, response });

  // -- Get the variation of the feature flag (tracks the exposure)
  const variation = client.getVariation({ visitorCode, featureKey: 'new_design' });

  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  response.end(
    '<!doctype html><html><head><title>Node.js http server</title><link rel="icon" href="data:,"></head>' +
      `<body><main data-design="${variation.key === 'on' ? 'new' : 'old'}"><h1>Variation ${variation.key}</h1></main></body></html>`,
  );
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`Listening on http://127.0.0.1:${server.address().port}`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
