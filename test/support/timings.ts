/**
 * Timings of a test file's slow steps (build, pack, server start), printed with its results.
 * `timed(what, work)` awaits `work` and notes how long it took; `summary()` lists them.
 */
export function stepTimer(): { timed: <T>(what: string, work: Promise<T>) => Promise<T>; summary: () => string } {
  const timings: string[] = [];
  return {
    async timed(what, work) {
      const from = performance.now();
      const result = await work;
      timings.push(`${what} ${((performance.now() - from) / 1000).toFixed(1)} s`);
      return result;
    },
    summary: () => timings.join(', '),
  };
}
