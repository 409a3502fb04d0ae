/** The browser entry: the public API with a client wired to the browser platform. */

export * from './index.ts';
export { createSnapshot, visitorCodeFromCookies, ensureVisitorCodeCookie } from './platform/browser/serverOnly.ts';

/** Which build of the package a runtime resolved (`'browser'` here; `'edge'` and `'node'` in the others). */
export const BUILD = 'browser';

export { KameleoonClient } from './stage/second.ts';
