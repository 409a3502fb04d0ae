/**
 * The standard browser build's entry (`dist/browser.js`; the build and the size measure put it in
 * the place of src/browser.ts, which declares the same API): the public names, and a client
 * whose first stage (first.ts) answers a page's first variations while the rest loads.
 */
import type { KameleoonClient as FullClient } from './second.ts';
import type { KameleoonClientBase as FullBase } from '../client/kameleoonClient.ts';
import { FirstStage } from './first.ts';

export * from '../names.ts';
export { createSnapshot, visitorCodeFromCookies, ensureVisitorCodeCookie } from '../platform/browser/serverOnly.ts';

/** Which build of the package a runtime resolved. */
export const BUILD = 'browser';

/** The client (see src/browser.ts for its API): the first stage, which hands over to the full client. */
export const KameleoonClient = FirstStage as unknown as typeof FullClient;
/** Its API (`instanceof KameleoonClientBase` holds for the clients of this build). */
export const KameleoonClientBase = FirstStage as unknown as typeof FullBase;
