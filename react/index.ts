/**
 * React bindings (kameleoon-ts/react): `<KameleoonProvider>` and hooks that return values and
 * re-render only when their own result changes, over the core's zustand store. The core API is
 * re-exported, so one import serves a React app.
 */
export * from '../src/browser.ts';
export { KameleoonProvider, KameleoonContext, type KameleoonProviderProps, type KameleoonContextValue } from './provider.tsx';
export {
  useVariation,
  useFeatureFlag,
  useFeatureVariable,
  useVariations,
  useVisitorCode,
  useKameleoonStatus,
  useKameleoon,
  type FlagOptions,
  type FeatureFlagResult,
  type KameleoonActions,
} from './hooks.ts';

/** The zustand store of a client's results (the React bindings use it; so can any UI or Node code). */
export { KameleoonStore } from '../src/store/kameleoonStore.ts';
export type { KameleoonStatus, KameleoonState, StatusInfo } from '../src/store/kameleoonStore.ts';
