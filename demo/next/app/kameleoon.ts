/**
 * The server's one Kameleoon client: created on the first request, initialized once, shared by
 * every request of this process (kept on globalThis, so that a module evaluated twice by the
 * bundler still finds it). It talks to the server given by KAMELEOON_DEV_SERVER (the local dev
 * server of `npm run demo`) for the configuration, the real-time stream and tracking.
 */
import { KameleoonClient, type EndpointsType } from 'kameleoon-ts';

/** Request header through which the middleware hands a first visit's new visitor code to the page. */
export const VISITOR_CODE_HEADER = 'x-kameleoon-visitor-code';

/** The site code of the demo (any code works with the dev server). */
export function siteCode(): string {
  return process.env.KAMELEOON_SITE_CODE || 'demo-site';
}

/** Every endpoint on the dev server: the browser client gets the same ones (read at request time, not build time). */
export function endpoints(): EndpointsType {
  const url = process.env.KAMELEOON_DEV_SERVER;
  if (!url) throw new Error('KAMELEOON_DEV_SERVER is not set: start the app with KAMELEOON_DEV_SERVER=http://127.0.0.1:<port> (the dev server of `npm run demo`).');
  return { configuration: url, realTime: url, tracking: url, dataApi: url };
}

const shared = globalThis as typeof globalThis & { __kameleoonClient?: Promise<KameleoonClient> };

/** The process's client, initialized (a failed initialization is retried by the next request). */
export function kameleoonClient(): Promise<KameleoonClient> {
  shared.__kameleoonClient ??= (async () => {
    const client = new KameleoonClient({ siteCode: siteCode(), configuration: { endpoints: endpoints() } });
    await client.initialize();
    return client;
  })().catch((err: unknown) => {
    shared.__kameleoonClient = undefined;
    throw err;
  });
  return shared.__kameleoonClient;
}
