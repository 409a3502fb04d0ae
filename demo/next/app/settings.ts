/**
 * Where the demo's clients (the middleware's edge client, the page's Node client and the browser's)
 * find Kameleoon: the server given by KAMELEOON_DEV_SERVER (the local dev server of `npm run
 * demo`), read at request time, not at build time, so one build serves any dev server.
 */
import type { EndpointsType } from 'kameleoon-ts';

/** The site code of the demo (any code works with the dev server). */
export function siteCode(): string {
  return process.env.KAMELEOON_SITE_CODE || 'demo-site';
}

/** Every endpoint on the dev server: the configuration, the real-time stream, tracking, the Data API. */
export function endpoints(): EndpointsType {
  const url = process.env.KAMELEOON_DEV_SERVER;
  if (!url) throw new Error('KAMELEOON_DEV_SERVER is not set: start the app with KAMELEOON_DEV_SERVER=http://127.0.0.1:<port> (the dev server of `npm run demo`).');
  return { configuration: url, realTime: url, tracking: url, dataApi: url };
}
