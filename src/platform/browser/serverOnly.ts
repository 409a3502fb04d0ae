/**
 * The browser build's stand-ins for the server-only functions (see server.ts): the same names and
 * signatures, so that code shared by a server and a page compiles, and a clear error if a page
 * calls one.
 */
import type { KameleoonClientBase } from '../../client/kameleoonClient.ts';
import { KameleoonError, KameleoonException } from '../../errors.ts';
import type { KameleoonSnapshot, SnapshotOptions } from '../../store/snapshot.ts';
import type { RequestLike, ResponseLike } from '../../visitor/visitorCode.ts';
import { msg } from '../../logging/msg.ts';

function serverOnly(name: string): never {
  throw new KameleoonError(KameleoonException.ClientConfiguration, msg`${name}() runs on servers: the browser build does not have it. A server resolves the package's node or edge build (or import 'kameleoon-ts/node').`);
}

/**
 * Servers only: the Node and edge builds' `createSnapshot` (a visitor's results for the browser).
 * @throws {@link KameleoonError} (`ClientConfiguration`) in the browser build
 */
export function createSnapshot(client: KameleoonClientBase, options: SnapshotOptions): KameleoonSnapshot {
  return serverOnly('createSnapshot');
}

/**
 * Servers only: the Node and edge builds' `visitorCodeFromCookies` (Next.js's cookie store).
 * @throws {@link KameleoonError} (`ClientConfiguration`) in the browser build
 */
export function visitorCodeFromCookies(cookies: { get(name: string): { value: string } | undefined }): string | undefined {
  return serverOnly('visitorCodeFromCookies');
}

/**
 * Servers only: the Node and edge builds' `ensureVisitorCodeCookie` (middleware).
 * @throws {@link KameleoonError} (`ClientConfiguration`) in the browser build
 */
export function ensureVisitorCodeCookie(params: { request: RequestLike; response: ResponseLike; domain?: string; random?: () => number }): string {
  return serverOnly('ensureVisitorCodeCookie');
}
