/**
 * Conformance: getVariation(track=false) against the golden outputs of the official engine
 * (@kameleoon/javascript-sdk-core 5.17.1). One `it` per golden row.
 *
 * Each describe block builds its own client, evaluates every row in the golden file's order in
 * beforeAll (as the harness that produced the file did), and each `it` checks one outcome, so a
 * row's result never depends on which tests were filtered in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import basicEvaluations from './fixtures/golden-js-core-5.17.1/basic-evaluations.json';
import holdoutConsent from './fixtures/golden-js-core-5.17.1/holdout-consent.json';
import basicConfig from './fixtures/synthetic-configs/basic.json';
import holdoutConfig from './fixtures/synthetic-configs/holdout.json';
import { closeClient, createClient, evaluate, expectedOutcome, keyOf, sdk, type Client, type Outcome } from './sdk.ts';

// ---------------------------------------------------------------------------------------------
// Rows, flattened from the golden files
// ---------------------------------------------------------------------------------------------

/** basic-evaluations.json `getVariation_track_false`: every visitor × flag, data-less visitors. */
const basicRows = basicEvaluations.getVariation_track_false.flatMap(({ visitorCode, flags }) =>
  Object.entries(flags).map(([featureKey, v]) => ({
    visitorCode,
    featureKey,
    key: v.key,
    variationId: v.variationId as number | null,
    experimentId: v.experimentId as number | null,
  })),
);

/** basic-evaluations.json `targetingScenarios`: custom data added first, then each flag in order. */
const scenarios = basicEvaluations.targetingScenarios.map(({ visitorCode, customDataAdded, variationKeys }) => ({
  visitorCode,
  customData: customDataAdded.map(({ index, values }) => ({ index, values: values as string[] })),
  flags: Object.entries(variationKeys).map(([featureKey, key]) => ({ featureKey, key })),
}));
const describeData = (customData: { index: number; values: string[] }[]): string =>
  customData.length === 0 ? 'no data' : customData.map(({ index, values }) => `CD${index}=${values.join('|')}`).join(', ');
const scenarioRows = scenarios.flatMap(({ visitorCode, customData, flags }) =>
  flags.map(({ featureKey, key }) => ({ visitorCode, data: describeData(customData), featureKey, key })),
);

/** basic-evaluations.json `errors`: featureKey → KameleoonException type (any visitor). */
const ERROR_VISITOR = 'visitor1';
const errorRows = Object.entries(basicEvaluations.errors).map(([featureKey, type]) => ({ featureKey, type }));

/** holdout-consent.json `holdout`: ff_50_50 under the holdout of synthetic-configs/holdout.json. */
const HOLDOUT_FLAG = 'ff_50_50';
const holdoutRows = holdoutConsent.holdout.map(({ visitorCode, holdoutHash, ff_50_50, variationId }) => ({
  visitorCode,
  holdoutHash,
  key: ff_50_50,
  variationId: variationId as number | null,
}));

/**
 * holdout-consent.json `consent_<BEHAVIOUR>`: basic.json with consentType REQUIRED and
 * consentOptOutBehavior <BEHAVIOUR>. Each entry is keyed "<visitorCode> consent=<true|false|undefined>"
 * (undefined: setLegalConsent never called) and maps featureKey → key or "ERROR:<type>".
 */
type Consent = boolean | undefined;
const CONSENT_ENTRY = /^(.+) consent=(true|false|undefined)$/;
const consentTables = Object.entries(holdoutConsent)
  .filter(([name]) => name.startsWith('consent_'))
  .map(([name, table]) => {
    const behaviour = name.slice('consent_'.length);
    const visitors = Object.entries(table as Record<string, unknown>)
      .filter(([entry]) => entry !== 'trackingBodies') // tracking is a later issue
      .map(([entry, flags]) => {
        const match = CONSENT_ENTRY.exec(entry);
        if (!match) throw new Error(`holdout-consent.json ${name}: cannot parse entry "${entry}"`);
        const consent: Consent = match[2] === 'undefined' ? undefined : match[2] === 'true';
        return { visitorCode: match[1], consent, flags: Object.entries(flags as Record<string, string>) };
      });
    const rows = visitors.flatMap(({ visitorCode, consent, flags }) =>
      flags.map(([featureKey, expected]) => ({ visitorCode, consent: String(consent), featureKey, expected })),
    );
    return { behaviour, visitors, rows };
  });

function consentConfig(behaviour: string): unknown {
  const config = structuredClone(basicConfig);
  config.configuration.consentType = 'REQUIRED';
  config.configuration.consentOptOutBehavior = behaviour;
  return config;
}

const rowId = (visitorCode: string, featureKey: string): string => JSON.stringify([visitorCode, featureKey]);

function outcomeOf(outcomes: Map<string, Outcome>, visitorCode: string, featureKey: string): Outcome {
  return outcomes.get(rowId(visitorCode, featureKey)) ?? { error: 'not evaluated (did beforeAll fail?)' };
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('golden tables have the expected number of rows', () => {
  it.each([
    ['basic evaluations (16 visitors × 10 flags)', basicRows.length, 160],
    ['custom-data targeting scenarios (12 visitors × 6 flags)', scenarioRows.length, 72],
    ['error cases', errorRows.length, 2],
    ['holdout', holdoutRows.length, 10],
    ['consent PARTIALLY_BLOCK (4 visitors × 2 flags)', consentTables.find((t) => t.behaviour === 'PARTIALLY_BLOCK')?.rows.length, 8],
    ['consent FULLY_BLOCK (4 visitors × 2 flags)', consentTables.find((t) => t.behaviour === 'FULLY_BLOCK')?.rows.length, 8],
  ])('%s: %s rows', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });
});

describe('synthetic-configs/basic.json', () => {
  let client: Client | undefined;
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    client = await createClient(basicConfig);
    for (const { visitorCode, featureKey } of basicRows) {
      outcomes.set(rowId(visitorCode, featureKey), await evaluate(client, visitorCode, featureKey));
    }
    for (const { visitorCode, customData, flags } of scenarios) {
      for (const { index, values } of customData) client.addData(visitorCode, new sdk.CustomData(index, ...values));
      for (const { featureKey } of flags) {
        outcomes.set(rowId(visitorCode, featureKey), await evaluate(client, visitorCode, featureKey));
      }
    }
  });
  afterAll(() => closeClient(client));

  describe('getVariation for data-less visitors (basic-evaluations.json getVariation_track_false)', () => {
    it.each(basicRows)(
      '$visitorCode × $featureKey → $key / variation $variationId / experiment $experimentId',
      ({ visitorCode, featureKey, key, variationId, experimentId }) => {
        expect(outcomeOf(outcomes, visitorCode, featureKey)).toEqual({ key, id: variationId, experimentId });
      },
    );
  });

  describe('custom-data targeting (basic-evaluations.json targetingScenarios)', () => {
    it.each(scenarioRows)('$visitorCode [$data] × $featureKey → $key', ({ visitorCode, featureKey, key }) => {
      expect(keyOf(outcomeOf(outcomes, visitorCode, featureKey))).toEqual({ key });
    });
  });

  describe('errors (basic-evaluations.json errors)', () => {
    it.each(errorRows)('$featureKey throws KameleoonError $type', async ({ featureKey, type }) => {
      let thrown: unknown;
      try {
        await client!.getVariation({ visitorCode: ERROR_VISITOR, featureKey, track: false });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(sdk.KameleoonError);
      expect((thrown as { type?: unknown }).type).toBe(type);
    });
  });
});

describe('holdout (synthetic-configs/holdout.json, holdout-consent.json holdout)', () => {
  let client: Client | undefined;
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    client = await createClient(holdoutConfig);
    for (const { visitorCode } of holdoutRows) {
      outcomes.set(rowId(visitorCode, HOLDOUT_FLAG), await evaluate(client, visitorCode, HOLDOUT_FLAG));
    }
  });
  afterAll(() => closeClient(client));

  it.each(holdoutRows)(
    `$visitorCode (holdout hash $holdoutHash) × ${HOLDOUT_FLAG} → $key / variation $variationId`,
    ({ visitorCode, key, variationId }) => {
      const outcome = outcomeOf(outcomes, visitorCode, HOLDOUT_FLAG);
      const actual = 'error' in outcome ? outcome : { key: outcome.key, id: outcome.id };
      expect(actual).toEqual({ key, id: variationId });
    },
  );
});

describe.each(consentTables)(
  'consent REQUIRED, consentOptOutBehavior $behaviour (basic.json patched; holdout-consent.json consent_*)',
  ({ behaviour, visitors, rows }) => {
    let client: Client | undefined;
    const outcomes = new Map<string, Outcome>();

    beforeAll(async () => {
      client = await createClient(consentConfig(behaviour));
      for (const { visitorCode, consent, flags } of visitors) {
        if (consent !== undefined) await client.setLegalConsent(visitorCode, consent);
        for (const [featureKey] of flags) {
          outcomes.set(rowId(visitorCode, featureKey), await evaluate(client, visitorCode, featureKey));
        }
      }
    });
    afterAll(() => closeClient(client));

    it.each(rows)('$visitorCode (consent $consent) × $featureKey → $expected', ({ visitorCode, featureKey, expected }) => {
      expect(keyOf(outcomeOf(outcomes, visitorCode, featureKey))).toEqual(expectedOutcome(expected));
    });
  },
);
