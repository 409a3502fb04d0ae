/**
 * One process of the fleet test (fleet.test.ts): a Node `http` server running the SDK with the
 * Redis store. `GET /visit?code=…[&plan=…]` loads the visitor (`prepareVisitor`), adds the plan
 * when given, and answers the visitor's variations; `GET /status` its configuration version and
 * the configuration requests it sent to the CDN itself; `POST /flush` sends what tracking holds;
 * `POST /close` closes the client and exits.
 * Arguments: the Redis URL, the CDN (and tracking) URL, the worker's name.
 */
import { createServer } from 'node:http';
import { CustomData, KameleoonClient } from '../../src/node.ts';
import { createRedisStore } from '../../src/redis.ts';

const [redisUrl, cdnUrl, name] = process.argv.slice(2) as [string, string, string];
const UPDATE_INTERVAL_MS = Number(process.env.FLEET_UPDATE_INTERVAL_MS ?? 400);
let configurationRequests = 0;
const store = createRedisStore({ url: redisUrl, keyPrefix: `fleet${process.env.FLEET_RUN ?? ''}`, loadTimeout: Number(process.env.FLEET_LOAD_TIMEOUT_MS ?? 2000) });
const client = new KameleoonClient({
  siteCode: 'fleet',
  configuration: { endpoints: { configuration: cdnUrl, tracking: cdnUrl }, trackingInterval: 200 },
  externals: {
    sharedStore: store,
    // Counts what reaches the network: the fleet's sharing sits above it.
    requester: {
      sendRequest: ({ url, parameters, requestType }) => {
        if (requestType === 'configuration') configurationRequests++;
        return fetch(url, parameters);
      },
    },
  },
  _internals: { minTrackingInterval: 200, updateIntervalMs: UPDATE_INTERVAL_MS },
});
await store.ready();
await client.initialize();

const version = () => (client.getConfigurationJson() as { featureFlags: { variations: { variables: { value: unknown }[] }[] }[] }).featureFlags[1]!.variations[0]!.variables[0]!.value;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (url.pathname === '/visit') {
    const started = performance.now();
    void client.prepareRequest({ request: req, response: res, defaultVisitorCode: url.searchParams.get('code')! }).then(({ visitorCode: code, source, reason }) => {
      const waited = performance.now() - started;
      const plan = url.searchParams.get('plan');
      if (plan) client.addData(code, new CustomData(0, plan));
      const pricing = client.getVariation({ visitorCode: code, featureKey: 'pricing' }).key;
      const layout = client.getVariation({ visitorCode: code, featureKey: 'layout' }).key;
      reply(200, { worker: name, pricing, layout, waited, source, reason });
    });
    return;
  }
  if (url.pathname === '/status') return reply(200, { worker: name, version: version(), configurationRequests, shared: client.getSharedStoreStatus() });
  if (url.pathname === '/ready') return void store.ready(10_000).then((ready) => reply(200, { worker: name, ready }));
  if (url.pathname === '/flush') return void client.flushInstant().then(() => reply(200, { worker: name }));
  if (url.pathname === '/close') {
    reply(200, { worker: name });
    void client.close().then(() => store.close()).then(() => process.exit(0));
    return;
  }
  reply(404, {});
});
server.listen(0, '127.0.0.1', () => console.log(`fleet worker ${name} listening on ${(server.address() as { port: number }).port}`));
