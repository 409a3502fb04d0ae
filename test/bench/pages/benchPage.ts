/**
 * The application side of the browser rows of `npm run bench`, shared by the page of each SDK
 * (`oursPage.ts`, `officialPage.ts`): gets the first variation as an app would, then in `stream`
 * mode asks the bench to change the configuration and times how long the change takes to reach
 * `getVariation`. The page's inline script (written by `../browser.ts`, before the bundle's script
 * tag) sets the settings, stamps the script start and records every request the page makes.
 */

/** What the bench writes into the page before the bundle. */
export interface BenchPageSettings {
  /** Origin of the dev server the SDK talks to, e.g. `http://127.0.0.1:41234`. */
  devServer: string;
  siteCode: string;
  visitorCode: string;
  featureKey: string;
  /** `load`: report the first variation; `stream`: then time a configuration change. */
  mode: 'load' | 'stream';
}

/** What the page reports in `window.__kbenchResult`. */
export interface BenchPageResult {
  /** From the inline script's stamp to the first `getVariation` result. */
  firstVariationMs: number;
  /** From the stamp to this module's evaluation: the SDK's code fetched, compiled and evaluated. */
  evaluatedMs: number;
  firstKey: string;
  /** Requests (fetch, EventSource, XHR, beacon) started before the first variation. */
  requestsBeforeVariation: string[];
  /** `stream` mode: from asking for the change to `getVariation` returning another key. */
  updateMs?: number;
  updatedKey?: string;
  /** Set instead of the figures when anything failed. */
  error?: string;
}

declare global {
  interface Window {
    __kbench: BenchPageSettings;
    /** `performance.now()` at the top of the page's first script. */
    __kbenchT0: number;
    /** URL of every request the page started, in order. */
    __kbenchRequests: string[];
    /** The unwrapped `fetch`, for the page's own requests (which are not counted). */
    __kbenchFetch: typeof fetch;
    __kbenchResult?: BenchPageResult;
  }
}

/** What the page needs from an SDK, each through that SDK's documented API. */
export interface PageSdk {
  /** Resolves as soon as `getVariation` can answer. */
  ready(): Promise<void>;
  /** `getVariation(...).key` for the page's visitor and feature, without tracking. */
  variation(): string;
  /** Resolves when the real-time stream is connected. */
  streamOpen(): Promise<void>;
  /** Calls `listener` after each configuration update. */
  onUpdate(listener: () => void): void;
}

/** Lets start-up work (background requests, storage writes) finish before the change is asked. */
const SETTLE_MS = 250;
/** Fallback check of getVariation, in case an SDK installs a configuration without an event. */
const POLL_MS = 2;

/**
 * Each page imports its SDK before this module, so the SDK's modules are evaluated by the time
 * this line runs.
 */
const evaluatedAt = performance.now();

/** The page's settings, written by the bench's inline script. */
export function benchSettings(): BenchPageSettings {
  return window.__kbench;
}

async function timeUpdate(sdk: PageSdk, before: string): Promise<{ updateMs: number; updatedKey: string }> {
  await sdk.streamOpen();
  await new Promise((done) => setTimeout(done, SETTLE_MS));
  let reached!: (at: number) => void;
  const changed = new Promise<number>((resolve) => (reached = resolve));
  const check = () => {
    if (sdk.variation() !== before) reached(performance.now());
  };
  sdk.onUpdate(check);
  const poll = setInterval(check, POLL_MS);
  const start = performance.now();
  const asked = await window.__kbenchFetch('/change', { method: 'POST' });
  if (!asked.ok) throw new Error(`POST /change answered ${asked.status}`);
  const at = await changed;
  clearInterval(poll);
  return { updateMs: at - start, updatedKey: sdk.variation() };
}

/** Runs the page and leaves its figures (or its error) in `window.__kbenchResult`. */
export async function runBenchPage(sdk: PageSdk): Promise<void> {
  try {
    await sdk.ready();
    const firstKey = sdk.variation();
    const firstVariationMs = performance.now() - window.__kbenchT0;
    const evaluatedMs = evaluatedAt - window.__kbenchT0;
    const result: BenchPageResult = { firstVariationMs, evaluatedMs, firstKey, requestsBeforeVariation: [...window.__kbenchRequests] };
    if (benchSettings().mode === 'stream') Object.assign(result, await timeUpdate(sdk, firstKey));
    window.__kbenchResult = result;
  } catch (err) {
    window.__kbenchResult = { firstVariationMs: NaN, evaluatedMs: NaN, firstKey: '', requestsBeforeVariation: [], error: String((err as Error)?.stack ?? err) };
  }
}
