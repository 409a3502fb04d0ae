/**
 * The browser build's first stage (src/stage/first.ts) decides as the full client does. For the
 * differential test's configurations and visitors (browser mode, first round: each visitor's data,
 * consent and forced variations, then every flag), the first stage answers from a warm cache
 * before the full client has loaded, or declines (NotInitialized); once the full client has taken
 * over, the same calls through the same client give the full client's answers. Every answer the
 * first stage gave must be the full client's, and it must answer most of them.
 */
import { describe, expect, it } from 'vitest';
import * as entry from '../../src/stage/entry.ts';
import { cacheKey } from '../../src/config/cache.ts';
import { differentialCases } from '../differential/cases.ts';
import { build, errorType, PACKAGE_INFO, type SdkModule } from '../differential/drive.ts';

const SITE = 'diffsite';
type Answer = { key: string | null; id: number | null; experimentId: number | null; variables?: string } | { error: string };

describe('the first stage decides as the full client does', () => {
  it('every answer it gives before the full client loads is the full client\'s, for the differential test\'s configurations', async () => {
    let answered = 0;
    let declined = 0;
    const sample = { answered: 0, declined: 0 };
    const mismatches: string[] = [];
    for (const c of differentialCases('browser', 30, 25)) {
      const counts = c.seed === 0 ? sample : { answered: 0, declined: 0 };
      const featureKeys = c.config.featureFlags.map((f) => f.featureKey);
      for (const v of c.visitors) {
        const store = new Map<string, unknown>([[cacheKey(SITE), { siteCode: SITE, environment: 'production', fetchedAt: Date.now(), lastModified: undefined, json: c.config }]]);
        const cookies = new Map<string, string>();
        if (v.simulation[0]) cookies.set('kameleoonSimulationFFData', v.simulation[0]);
        const client = new entry.KameleoonClient({
          siteCode: SITE,
          externals: {
            // A warm cache: the configuration is never fetched; nothing is tracked (track: false).
            requester: { sendRequest: async () => new Response(null, { status: 204 }) },
            storage: { read: (key: string) => structuredClone(store.get(key) ?? null), write: (key: string, data: unknown) => void store.set(key, data) },
            visitorCodeManager: { getData: (key: string) => cookies.get(key) ?? null, setData: ({ key, visitorCode }) => void cookies.set(key, visitorCode) },
            logger: { log() {} },
          },
          _internals: { packageInfo: { ...PACKAGE_INFO.browser }, platformAnalyzer: { getResult: () => ({}) } },
        });
        const ready = client.initialize();
        const steps = () => {
          for (const s of v.rounds[0] ?? []) {
            try {
              if (s.op === 'addData') client.addData(v.code, ...(s.data.map((d) => build(entry as unknown as SdkModule, d)) as never[]));
              else if (s.op === 'consent') client.setLegalConsent(v.code, s.value);
              else if (s.op === 'forced') client.setForcedVariation({ visitorCode: v.code, experimentId: s.experimentId, variationKey: s.variationKey, ...(s.forceTargeting === undefined ? {} : { forceTargeting: s.forceTargeting }) });
            } catch {
              // As the full client: a step may be refused (a forced variation of an unknown experiment...).
            }
          }
        };
        const answers = (): Answer[] =>
          featureKeys.map((featureKey) => {
            const details = client.getVariationDetails({ visitorCode: v.code, featureKey, track: false });
            if (details.reason.kind === 'ERROR') return { error: errorType(details.reason.error) };
            const { key, id, experimentId, variables } = details.variation!;
            return { key, id, experimentId, variables: JSON.stringify([...variables.values()]) };
          });
        steps();
        const first = answers();
        await ready;
        const full = answers();
        first.forEach((answer, i) => {
          if ('error' in answer && answer.error === 'Initialization') return void (declined++, counts.declined++);
          answered++;
          counts.answered++;
          if (JSON.stringify(answer) !== JSON.stringify(full[i])) mismatches.push(`${c.label} ${JSON.stringify(v.code)} ${featureKeys[i]}: first ${JSON.stringify(answer)}, full ${JSON.stringify(full[i])}`);
        });
        await client.close();
      }
    }
    console.log(`[first stage] ${answered} answers compared with the full client's, ${declined} declined (the generated configurations use every condition type), ${mismatches.length} mismatches; the sample configuration: ${sample.answered} answered, ${sample.declined} declined`);
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The sample configuration (custom data and SDK conditions) is answered but for the visitors
    // the first stage leaves to the full client (forced variations, QA simulation, data of other kinds).
    expect(sample.answered).toBeGreaterThan(3 * sample.declined);
    expect(answered).toBeGreaterThan(500);
  });
});
