/**
 * The source file (absolute path) of the build `import 'kameleoon-ts'` resolves to under
 * `conditions` (e.g. `['workerd', 'worker', 'browser']` gives `<repo>/src/edge.ts`).
 */
export function packageSource(conditions: readonly string[]): string;
