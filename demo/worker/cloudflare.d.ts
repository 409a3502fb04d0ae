/**
 * The parts of the Workers runtime the demo Worker uses (`@cloudflare/workers-types` would bring
 * every Workers global, which clash with the DOM types the rest of the repository is checked with).
 */
declare module 'cloudflare:workers' {
  /** The Worker's bindings, importable at module scope (workerd since March 2025). */
  export const env: Record<string, unknown>;
}
