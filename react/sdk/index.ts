/**
 * The official React SDK's API (kameleoon-ts/react-sdk): `createClient`, `<KameleoonProvider>`,
 * `<KameleoonProviderSSR>` and the hooks of `@kameleoon/react-sdk` 10.x, whose methods are the
 * client's own. An app switches by changing its import from '@kameleoon/react-sdk' to
 * 'kameleoon-ts/react-sdk'. The core API is re-exported, so one import serves the app.
 */
export * from '../../src/browser.ts';
export { createClient, type SDKParameters, type ExternalsType } from './createClient.ts';
/**
 * The core's names, which the React SDK's `SDKParameters` and `ExternalsType` above replace (as in
 * the official React SDK): the parameters of `new KameleoonClient(...)` and their `externals`.
 */
export type { SDKParameters as CoreSDKParameters, ExternalsType as CoreExternalsType } from '../../src/browser.ts';
export {
  KameleoonProvider,
  KameleoonProviderSSR,
  KameleoonContext,
  type KameleoonContextType,
  type IKameleoonProviderProps,
  type IKameleoonProviderSSRProps,
} from './provider.tsx';
export { useInitialize, useFeatureFlag, useData, useVisitorCode, useLog, useKameleoon } from './hooks.ts';
export type { IUseInitialize, IUseFeatureFlag, IUseData, IUseVisitorCode, IUseLog } from './types.ts';
