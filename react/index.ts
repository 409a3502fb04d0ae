/**
 * React bindings (kameleoon-ts/react). The provider and hooks arrive with the React issue; for
 * now the entry re-exports the core so the package's "./react" export resolves.
 */
export * from '../src/browser.ts';
