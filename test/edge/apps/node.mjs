// Node.js, for comparison (npm run bench): a plain node:http server on 127.0.0.1 (port 0: any
// free one) serving the same app with the package's Node build. Each request becomes a Fetch
// Request and the app's Response is written back, as Deno.serve and Bun.serve do natively; the
// process outlives the response, so waitUntil keeps the promises (and says their failures).
// GET /__resolved answers which file `kameleoon-ts` resolved to.
import { createServer } from 'node:http';
import { ctx } from './keepAlive.mjs';
import app from './served.mjs';

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one);
    }
    const response =
      url.pathname === '/__resolved'
        ? new Response(import.meta.resolve('kameleoon-ts'))
        : await app.fetch(new Request(new URL(url.pathname + url.search, `http://${req.headers.host}`), { method: req.method, headers }), {}, ctx);
    const body = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, [...response.headers].flat());
    res.end(body);
  } catch (error) {
    console.error('request failed:', error);
    res.writeHead(500).end(String(error));
  }
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`Listening on http://127.0.0.1:${port}`);
});
