/**
 * Browser globals in Node, put back as they were: a test that stands in for `window`, `navigator`,
 * `location`... must leave the next test the runtime it found (Node 21 and later have a
 * `navigator` of their own; every Node has `Event`).
 */

/**
 * Defines each of `values` as a global and returns the function that undoes it: a global that
 * existed gets its previous property descriptor back (getter, value, writability), and only one
 * that did not exist is deleted. Call the restore once, after the test (a finally or an afterAll).
 */
export function replaceGlobals(values: Record<string, unknown>): () => void {
  const saved = Object.keys(values).map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const);
  for (const [name, value] of Object.entries(values)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  return () => {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete (globalThis as Record<string, unknown>)[name];
    }
  };
}
