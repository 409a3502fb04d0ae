/**
 * The public functions that only servers run (Next.js, any Node, Fetch or edge server): the Node
 * and edge entries export them; the browser entry has stand-ins that say so (server code is no
 * part of a browser bundle).
 */
export { createSnapshot, visitorCodeFromCookies } from './store/snapshot.ts';
export { ensureVisitorCodeCookie } from './visitor/exchange.ts';
