/**
 * The official SDK's user-agent analyzer, as an oracle. `@kameleoon/javascript-sdk` 4.17.1 does not
 * export its `PlatformAnalyzer`, but every client holds one (built when no
 * `_internals.platformAnalyzer` is given): its constructor is taken from a client made offline.
 * It reads `navigator.userAgent` as it is built and `window.location` in `getResult()`, so both
 * are stubbed around each call (Node 20 has neither).
 */
import { vi } from 'vitest';
import * as official from '@kameleoon/javascript-sdk';
import { officialOfflineExternals } from '../support/officialSdk.ts';

/** What the official analyzer says of a user agent (its names, as the SDK stores them). */
export interface OfficialAnalysis {
  browser?: string;
  version?: number;
  os?: string;
  device?: string;
}

/** An analyzer's result (the official one's shape, which ours follows). */
export interface AnalyzerResult {
  browser?: { name?: string; version?: number };
  os?: { name?: string };
  platform?: { type?: string };
}

/** A result in the flat shape the tables compare. */
export function analysisOf({ browser, os, platform }: AnalyzerResult): OfficialAnalysis {
  const out: OfficialAnalysis = {};
  if (browser?.name) out.browser = browser.name;
  if (browser?.version !== undefined) out.version = browser.version;
  if (os?.name) out.os = os.name;
  if (platform?.type) out.device = platform.type;
  return out;
}

type AnalyzerClass = new () => { getResult(): AnalyzerResult };

let analyzerClass: AnalyzerClass | undefined;

function officialAnalyzerClass(): AnalyzerClass {
  if (analyzerClass) return analyzerClass;
  vi.stubGlobal('navigator', { userAgent: '' });
  try {
    const client = new official.KameleoonClient({
      siteCode: 'oracle',
      externals: officialOfflineExternals({ sendRequest: async () => new Response(null, { status: 503 }) }),
    } as never) as unknown as { customDataManager: { platformAnalyzer: object } };
    analyzerClass = client.customDataManager.platformAnalyzer.constructor as AnalyzerClass;
    return analyzerClass;
  } finally {
    vi.unstubAllGlobals();
  }
}

/** The official analysis of `userAgent` (parts it does not find are left out). */
export function officialAnalysis(userAgent: string): OfficialAnalysis {
  const Analyzer = officialAnalyzerClass();
  vi.stubGlobal('navigator', { userAgent });
  vi.stubGlobal('window', {});
  try {
    return analysisOf(new Analyzer().getResult());
  } finally {
    vi.unstubAllGlobals();
  }
}
