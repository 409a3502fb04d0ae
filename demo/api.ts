/**
 * The demo's plain Node HTTP API, using the core directly: one client for the process, the visitor
 * code from the Cookie header (set on a first visit), evaluation from RAM, tracking batched in the
 * background.
 *
 *   GET  /api/flags            the visitor's variation of every flag (exposures tracked)
 *   POST /api/convert?goal=1   a conversion
 */
import { createServer, type Server } from 'node:http';
import { KameleoonClient } from 'kameleoon-ts';
import { listenFirstFree } from '../src/devserver/listen.ts';

export interface DemoApi {
  url: string;
  client: KameleoonClient;
  close(): Promise<void>;
}

/**
 * Starts the API on 127.0.0.1 against the dev server at `devServer`, on the first free port from
 * `port` upward (0: any free port).
 */
export async function startApi(devServer: string, port = 0): Promise<DemoApi> {
  const client = new KameleoonClient({
    siteCode: 'demo-site',
    configuration: { endpoints: { configuration: devServer, realTime: devServer, tracking: devServer, dataApi: devServer, api: devServer } },
  });
  await client.initialize();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('Access-Control-Allow-Origin', '*');
    try {
      const visitorCode = client.getVisitorCode({ request: req, response: res });
      if (url.pathname === '/api/flags') {
        const flags = Object.fromEntries([...client.getVariations({ visitorCode, track: true })].map(([key, v]) => [key, v.key]));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ visitorCode, flags }));
      } else if (url.pathname === '/api/convert' && req.method === 'POST') {
        client.trackConversion({ visitorCode, goalId: Number(url.searchParams.get('goal') ?? 1) });
        res.writeHead(204).end();
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'try GET /api/flags or POST /api/convert?goal=1' }));
      }
    } catch (err) {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: String(err) }));
    }
  });
  const listening = await listenFirstFree(server, port).catch(async (err: unknown) => {
    await client.close();
    throw err;
  });
  return {
    url: `http://127.0.0.1:${listening.port}`,
    client,
    close: async () => {
      await client.close();
      await listening.close();
    },
  };
}
