// Vercel's edge-runtime: a service-worker style script; its FetchEvent's waitUntil keeps the
// flush alive after the response, as the platform's own wrapper does for `export default`.
import app from './served.mjs';

addEventListener('fetch', (event) => {
  event.respondWith(app.fetch(event.request, {}, { waitUntil: (promise) => event.waitUntil(promise) }));
});
