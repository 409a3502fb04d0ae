/**
 * Previous visits from `getRemoteVisitorData` decide the visit conditions as they do in the
 * official SDK, on servers (the official `KameleoonCore` 5.17.1 driven as a NODEJS server SDK):
 * both SDKs ask a local Data API on 127.0.0.1 for the same visitors, which answers with previous
 * visits at various ages and counts (the table of visitsKit.ts), then decide every flag of a
 * configuration that targets FIRST_VISIT, LAST_VISIT, VISITS, SAME_DAY_VISITS and NEW_VISITORS,
 * before any call and after each call, under the same fixed clock.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KameleoonClient } from '../../src/node.ts';
import { officialServerModule } from '../differential/drive.ts';
import { DataApiTestServer, dataApiRequester } from './server.ts';
import { NOW, VISIT_FLAGS, visitCases, visitsConfig, type VisitCase } from './visitsKit.ts';
import { officialOfflineExternals } from '../support/officialSdk.ts';

const SITE = 'site-visits';
const CONFIG = JSON.stringify(visitsConfig());
const CASES = visitCases(20250303, 48);

const server = new DataApiTestServer();
/** The answer of the Data API, by visitor code (set before each pair of calls). */
const answers = new Map<string, unknown>();

interface Sdk {
  initialize(): Promise<boolean>;
  getRemoteVisitorData(p: { visitorCode: string; shouldAddData: boolean; filters: { previousVisitAmount: number } }): Promise<unknown[]>;
  getVariation(p: { visitorCode: string; featureKey: string; track: boolean }): { key: string };
}

let official: Sdk;
let ours: KameleoonClient;

function officialClient(): Sdk {
  const { KameleoonClient: Official } = officialServerModule();
  const store = new Map<string, unknown>();
  return new Official({
    siteCode: SITE,
    externals: officialOfflineExternals(
      {
        sendRequest: async ({ requestType, url, parameters }: { requestType: string; url: string; parameters: RequestInit }) => {
          if (requestType === 'configuration') return new Response(CONFIG, { status: 200 });
          // Its Data API is the local one.
          if (requestType === 'remoteData') return fetch(url.replace('https://data.kameleoon.io', server.url), parameters);
          return new Response(null, { status: 204 });
        },
      },
      store,
    ),
    _internals: { packageInfo: { type: 'NODEJS', version: '5.17.1', isServer: true }, platformAnalyzer: { getResult: () => ({}) } },
  }) as unknown as Sdk;
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  await server.start();
  server.on('/visit/visitor', (req) => ({ json: answers.get(req.query.get('visitorCode') ?? '') ?? {} }));
  official = officialClient();
  ours = new KameleoonClient({
    siteCode: SITE,
    configuration: { defaultDataFile: CONFIG, endpoints: { dataApi: server.url }, sessionDuration: 60 * 24 },
    externals: { logger: { log() {} }, requester: dataApiRequester() },
  });
  await Promise.all([official.initialize(), ours.initialize()]);
});

afterAll(async () => {
  await ours?.close();
  await server.stop();
  vi.useRealTimers();
});

/** Every flag for the visitor, as `flag → key` lines. */
function decide(sdk: Sdk, visitorCode: string): string[] {
  return VISIT_FLAGS.map((featureKey) => `${featureKey} → ${sdk.getVariation({ visitorCode, featureKey, track: false }).key}`);
}

/** The visitor's decisions before any call and after each call, with both SDKs. */
async function run(c: VisitCase): Promise<{ official: string[][]; ours: string[][] }> {
  const out = { official: [decide(official, c.code)], ours: [decide(ours as unknown as Sdk, c.code)] };
  for (const call of c.calls) {
    answers.set(c.code, call.answer);
    const params = { visitorCode: c.code, shouldAddData: call.shouldAddData, filters: { previousVisitAmount: call.previousVisitAmount } };
    const [theirs, mine] = [await official.getRemoteVisitorData(params), await ours.getRemoteVisitorData(params)];
    expect(mine.length).toBe(theirs.length);
    out.official.push(decide(official, c.code));
    out.ours.push(decide(ours as unknown as Sdk, c.code));
  }
  return out;
}

describe('visit conditions after getRemoteVisitorData, servers: ours vs the official SDK', () => {
  let compared = 0;
  const onTotals = new Map<string, number>();

  it.each(CASES.map((c) => [`${c.code}: ${c.label}`, c] as const))('%s', async (_, c) => {
    const { official: expected, ours: actual } = await run(c);
    expect(actual).toEqual(expected);
    for (const decisions of expected) {
      compared += decisions.length;
      for (const d of decisions) if (d.endsWith('→ on')) onTotals.set(d, (onTotals.get(d) ?? 0) + 1);
    }
  });

  it('compared enough decisions, and the visits made a difference', () => {
    expect(compared).toBeGreaterThanOrEqual(CASES.length * VISIT_FLAGS.length * 2);
    // Every kind of condition was on for some visitor, and off for others.
    for (const type of ['FIRST_VISIT_GREATER', 'FIRST_VISIT_LOWER', 'LAST_VISIT_GREATER', 'LAST_VISIT_LOWER', 'VISITS_EQUAL', 'VISITS_GREATER', 'VISITS_LOWER', 'SAME_DAY_VISITS_EQUAL', 'SAME_DAY_VISITS_GREATER', 'NEW_VISITORS_NEW', 'NEW_VISITORS_RETURNING']) {
      const on = [...onTotals].filter(([d]) => d.startsWith(type)).reduce((n, [, count]) => n + count, 0);
      expect(on, type).toBeGreaterThan(0);
    }
    console.log(`[visits] ${compared} decisions compared for ${CASES.length} visitors and ${VISIT_FLAGS.length} flags`);
  });
});
