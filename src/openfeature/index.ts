/**
 * The `kameleoon-ts/openfeature` entry: OpenFeature providers over a kameleoon-ts client, for the
 * server SDK and the web SDK (and so the React SDK). It imports nothing of the OpenFeature SDKs at
 * run time (their types only) and no platform code of its own: the client comes from the
 * package's main entry, which resolves to the browser, Node or edge build as the application's
 * runtime or bundler picks it.
 */
export { KameleoonServerProvider, KameleoonWebProvider } from './providers.ts';
export { KameleoonEventEmitter } from './emitter.ts';
export type { KameleoonProviderOptions } from './resolver.ts';
