// Deno: Deno.serve on 127.0.0.1 (port 0: any free one), the package from ./node_modules.
// Deno.serve has no waitUntil: the process outlives the response, so the promises are kept
// (and their failures said) until they settle. GET /__resolved answers which file
// `kameleoon-ts` resolved to under Deno's own conditions.
import { ctx } from './keepAlive.mjs';
import app from './served.mjs';

Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ hostname, port }) => console.log(`Listening on http://${hostname}:${port}`) },
  (request) => (new URL(request.url).pathname === '/__resolved' ? new Response(import.meta.resolve('kameleoon-ts')) : app.fetch(request, {}, ctx)),
);
