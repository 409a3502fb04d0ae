/**
 * Hostile configurations. Seeded random mutations of the valid documents under test/ (fields
 * deleted or given the wrong type, NaN / Infinity / -1 / huge numbers, duplicated ids, own
 * `__proto__` / `constructor` keys as JSON.parse makes them, 20k-element arrays, 1 MB strings),
 * and hand-made extremes (100k conditions or variations, 1,000 nested SEGMENT references, nesting
 * deeper than the stack), each given as `defaultDataFile` and served by a real HTTP server after
 * a good configuration. Each is either rejected whole with a ConfigurationError (served: the good
 * configuration stays in force and keeps answering) or accepted and evaluated, every public call
 * throwing nothing but KameleoonErrors. Nothing reaches Object.prototype. (Catastrophic regular
 * expressions in targeting conditions: regex.test.ts.)
 *
 * Seeds: HARDENING_SEED (default 20261121) for the mutations given as `defaultDataFile`,
 * HARDENING_SEED + 1 for the served ones. A failure names the seed, the case number and the mutations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomData, KameleoonClient, KameleoonError, KameleoonException } from '../../src/node.ts';
import { parseConfiguration } from '../../src/config/parse.ts';
import { Rng } from '../differential/rng.ts';
import { until } from '../delivery/helpers.ts';
import { BASES, base, exercise, mutate, prototypeSnapshot, verdict } from './configMutations.ts';
import { silentLogger } from './fuzzKit.ts';
import { offlineClient } from './offlineClient.ts';
import { SiteServer } from './siteServer.ts';

const SEED = Number(process.env.HARDENING_SEED ?? 20261121);
const prototypesBefore = prototypeSnapshot();

/** Initializes on `doc` and checks the outcome against what parseConfiguration says of it. */
async function tryDefaultDataFile(doc: unknown, label: string, failures: string[]): Promise<'accepted' | 'rejected'> {
  const expected = verdict(() => parseConfiguration(doc));
  if (expected.error !== undefined && !(expected.error instanceof KameleoonError && expected.error.type === KameleoonException.ClientConfiguration)) {
    failures.push(`${label}: parseConfiguration threw ${String(expected.error).slice(0, 300)}`);
  }
  const client = offlineClient(doc);
  try {
    await client.initialize();
    if (!expected.config) failures.push(`${label}: initialize() accepted a document parseConfiguration rejects`);
    else exercise(client, expected.config, label, failures);
    return 'accepted';
  } catch (err) {
    if (!(err instanceof KameleoonError) || err.type !== KameleoonException.ClientConfiguration) failures.push(`${label}: initialize() rejected with ${String(err).slice(0, 300)}`);
    if (expected.config) failures.push(`${label}: initialize() rejected a document parseConfiguration accepts`);
    return 'rejected';
  } finally {
    await client.close();
  }
}

describe('hostile configurations as defaultDataFile', () => {
  it(`seeded mutations (seed ${SEED}) are rejected with a ConfigurationError or evaluated with KameleoonErrors only`, async () => {
    const rng = new Rng(SEED);
    const failures: string[] = [];
    const counts = { accepted: 0, rejected: 0 };
    const names = Object.keys(BASES);
    for (let i = 0; i < 360; i++) {
      const name = names[i % names.length];
      const doc = base(name);
      const done = mutate(doc, rng, i % 12 === 11);
      const label = `seed ${SEED} case ${i} (${name}: ${done.join('; ').slice(0, 200)})`;
      // Half as the object (NaN and Infinity kept), half as JSON text (own __proto__ keys parsed back).
      counts[await tryDefaultDataFile(i % 2 === 0 ? doc : JSON.stringify(doc), label, failures)]++;
    }
    console.log(`[configs] ${counts.accepted} mutated documents accepted and evaluated, ${counts.rejected} rejected with ConfigurationError`);
    expect(failures).toEqual([]);
    // Both outcomes occur: the mutations are neither all fatal nor all harmless.
    expect(counts.accepted).toBeGreaterThan(50);
    expect(counts.rejected).toBeGreaterThan(50);
  });

  /** Hand-made extremes: [name, document, expected outcome]. */
  const extremes: [string, () => unknown, 'accepted' | 'rejected'][] = [
    ['a flag with 100,000 variations and a 100,000-entry split', () => {
      const doc = base('basic');
      const flag = doc.featureFlags[0];
      flag.variations = Array.from({ length: 100_000 }, (_, i) => ({ key: `v${i}`, variables: [{ key: 'n', type: 'NUMBER', value: i }] }));
      flag.rules[0].variationByExposition = Array.from({ length: 100_000 }, (_, i) => ({ variationKey: `v${i}`, variationId: i + 1, exposition: 1e-5 }));
      return doc;
    }, 'accepted'],
    ['10,000 flags', () => {
      const doc = base('basic');
      const flag = doc.featureFlags[0];
      doc.featureFlags = Array.from({ length: 10_000 }, (_, i) => ({ ...structuredClone(flag), id: i + 1, featureKey: `flag_${i}` }));
      return doc;
    }, 'accepted'],
    ['1,000 segments each referring to the next through SEGMENT conditions', () => segmentChain(1_000, false), 'accepted'],
    ['a segment referring to itself', () => segmentChain(1, true), 'accepted'],
    ['objects nested 100,000 deep (as an object)', () => ({ ...base('basic'), extra: nested(100_000) }), 'rejected'],
    ['arrays nested 100,000 deep (as JSON text)', () => `{"featureFlags":[],"extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'rejected'],
    ['NaN exposition', () => withRule((r) => (r.exposition = NaN)), 'rejected'],
    ['Infinity exposition', () => withRule((r) => (r.exposition = Infinity)), 'rejected'],
    ['-Infinity variation exposition', () => withRule((r) => (r.variationByExposition[0].exposition = -Infinity)), 'rejected'],
    ['-1 exposition (nobody in traffic)', () => withRule((r) => (r.exposition = -1)), 'accepted'],
    ['1e308 exposition (everybody in traffic)', () => withRule((r) => (r.exposition = 1e308)), 'accepted'],
    ['an experiment id above 2^31', () => withRule((r) => (r.experimentId = 2 ** 31)), 'rejected'],
    ['a negative variation id', () => withRule((r) => (r.variationByExposition[0].variationId = -5)), 'rejected'],
    ['duplicate flag keys, rule ids, experiment ids, segment ids and custom data indexes', () => {
      const doc = base('sample');
      doc.featureFlags.push(...structuredClone(doc.featureFlags));
      for (const flag of doc.featureFlags) for (const rule of flag.rules) [rule.id, rule.experimentId] = [7, 7];
      doc.segments.push(...structuredClone(doc.segments));
      doc.customData.push(...structuredClone(doc.customData));
      return doc;
    }, 'accepted'],
    ['__proto__ and constructor everywhere (JSON text)', () => protoEverywhere(), 'accepted'],
    ['targeting types named after Object.prototype members', () => {
      const doc = base('basic');
      const conditions = doc.segments[0].conditionsData.firstLevel[0].conditions;
      conditions.push(...['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'].map((targetingType) => ({ ...conditions[0], targetingType })));
      doc.segments[0].conditionsData.firstLevel[0].orOperators = conditions.slice(1).map(() => false);
      return doc;
    }, 'accepted'],
    ['1 MB strings: flag key, variable value, segment name, condition value, regular expression', () => {
      const doc = base('sample');
      const mb = 'x'.repeat(1 << 20);
      doc.featureFlags[0].featureKey = mb;
      doc.featureFlags[1].variations[0].variables = [{ key: 'big', type: 'STRING', value: mb }, { key: 'json', type: 'JSON', value: `[${'1,'.repeat(1 << 19)}1]` }];
      doc.segments[0].name = mb;
      doc.segments[0].conditionsData.firstLevel[0].conditions[0].value = mb;
      doc.segments[1].conditionsData.firstLevel[0].conditions.unshift({ targetingType: 'CUSTOM_DATUM', customDataIndex: '0', valueMatchType: 'REGULAR_EXPRESSION', value: `(${'a'.repeat(1 << 20)})+$`, isInclude: true });
      doc.segments[1].conditionsData.firstLevel[0].orOperators.unshift(true);
      return doc;
    }, 'accepted'],
    ['a function in the object', () => ({ ...base('basic'), hook: () => 1 }), 'rejected'],
    ['a getter that throws', () => Object.defineProperty(base('basic'), 'featureFlags', { enumerable: true, get: () => { throw new Error('boom'); } }), 'rejected'],
    ['a Proxy', () => new Proxy(base('basic'), {}), 'rejected'],
    ['not JSON', () => '{"featureFlags": [', 'rejected'],
    ['JSON null', () => 'null', 'rejected'],
    ['a JSON array', () => '[{"featureFlags":[]}]', 'rejected'],
    ['an empty document', () => '', 'rejected'],
  ];

  it.each(extremes)('%s', async (name, make, outcome) => {
    const failures: string[] = [];
    const started = performance.now();
    expect(await tryDefaultDataFile(make(), name, failures)).toBe(outcome);
    expect(failures).toEqual([]);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('a group of 100,000 AND-ed or OR-ed conditions: accepted, evaluated in a loop (no stack overflow) with the left-to-right fold', async () => {
    for (const or of [false, true]) {
      const failures: string[] = [];
      const doc = bigGroup(100_000, or);
      const client = offlineClient(doc);
      await client.initialize();
      exercise(client, parseConfiguration(doc), `100,000 conditions (${or ? 'OR' : 'AND'})`, failures);
      expect(failures).toEqual([]);
      client.addData('v', new CustomData(0, 'premium'));
      // 100k times "plan is premium": a premium visitor gets the targeted delivery, another
      // visitor (every condition false) falls through to the experiment rule.
      expect(client.getVariationDetails({ visitorCode: 'v', featureKey: 'ff_segmented', track: false }).reason).toMatchObject({ kind: 'RULE_MATCH', ruleType: 'TARGETED_DELIVERY' });
      client.addData('w', new CustomData(0, 'basic'));
      expect(client.getVariationDetails({ visitorCode: 'w', featureKey: 'ff_segmented', track: false }).reason).toMatchObject({ kind: 'RULE_MATCH', ruleType: 'EXPERIMENTATION' });
      await client.close();
    }
  });

  it('a SEGMENT chain deeper than 32 is a TargetingError for the evaluations that reach it, not a stack overflow', async () => {
    const client = offlineClient(segmentChain(1_000, false));
    await client.initialize();
    expect(() => client.getVariation({ visitorCode: 'v', featureKey: 'ff_segmented' })).toThrow(expect.objectContaining({ type: KameleoonException.TargetingCondition }));
    expect(client.getVariationDetails({ visitorCode: 'v', featureKey: 'ff_segmented' }).reason.kind).toBe('ERROR');
    // Other flags are untouched.
    expect(client.getVariationDetails({ visitorCode: 'v', featureKey: 'ff_50_50', track: false }).reason.kind).toBe('RULE_MATCH');
    await client.close();
  });

  it('exposition -1 serves nobody, 1e308 everybody', async () => {
    for (const [exposition, kind] of [[-1, 'DEFAULT'], [1e308, 'RULE_MATCH']] as const) {
      const client = offlineClient(withRule((r) => (r.exposition = exposition)));
      await client.initialize();
      for (let i = 0; i < 50; i++) expect(client.getVariationDetails({ visitorCode: `v${i}`, featureKey: 'ff_partial_exposition', track: false }).reason.kind).toBe(kind);
      await client.close();
    }
  });
});

describe('hostile configurations served after a good one', () => {
  const SITE = 'served-site';
  let server: SiteServer;
  let client: KameleoonClient;
  let updates = 0;
  /** Every flag's variation for a few visitors under the good configuration. */
  let goodAnswers: string[];

  /** The good configuration: the basic document, streaming on, and flag `switch` = 'good' for everyone. */
  function good(): Record<string, any> {
    const doc = base('basic');
    doc.configuration.realTimeUpdate = true;
    doc.featureFlags.push({
      id: 9_999,
      featureKey: 'switch',
      environmentEnabled: true,
      defaultVariationKey: 'off',
      variations: [{ key: 'off', variables: [] }, { key: 'good', variables: [] }],
      rules: [{ id: 99_991, order: 1, type: 'TARGETED_DELIVERY', exposition: 1, experimentId: 99_992, respoolTime: null, segmentId: null, variationByExposition: [{ variationKey: 'good', variationId: 99_993, exposition: 1 }] }],
    });
    return doc;
  }

  /** Every flag for visitors only ever evaluated under the good configuration (exercise() forces and adds data to others). */
  const answers = (c: KameleoonClient): string[] =>
    ['probe-1', 'probe-2', 'probe-3'].flatMap((visitorCode) => [...c.getVariations({ visitorCode, track: false })].map(([k, v]) => `${visitorCode}:${k}=${v.key}`));

  async function connect(): Promise<void> {
    server.setConfig(SITE, good());
    client = new KameleoonClient({
      siteCode: SITE,
      configuration: { endpoints: { configuration: server.url, realTime: server.url, tracking: server.url }, requestTimeout: 5_000 },
      externals: { logger: silentLogger },
    });
    client.onConfigurationUpdate(() => updates++);
    await client.initialize();
    await until(() => client.getConfigurationStatus().streaming, 'the stream to connect');
  }

  /** Serves `text`, pushes an update event, and waits until the client took or refused it. */
  async function serve(text: string): Promise<void> {
    const before = { updates, error: client.getConfigurationStatus().lastError };
    server.setConfig(SITE, text);
    server.push(SITE);
    await until(() => updates > before.updates || client.getConfigurationStatus().lastError !== before.error, 'the client to fetch the served configuration');
  }

  beforeAll(async () => {
    server = await new SiteServer().start();
    await connect();
    goodAnswers = answers(client);
  });

  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  /** Serves a hostile document, checks the outcome, then serves the good one again. */
  async function check(text: string, label: string, failures: string[]): Promise<'accepted' | 'rejected'> {
    const expected = verdict(() => parseConfiguration(text));
    await serve(text);
    const status = client.getConfigurationStatus();
    if (expected.error !== undefined) {
      if (status.status !== 'stale' || status.lastError?.type !== KameleoonException.ClientConfiguration) failures.push(`${label}: status ${status.status}, lastError ${String(status.lastError)}`);
      // The last good configuration stays in force, answering as before.
      if (client.getVariation({ visitorCode: 'visitor-1', featureKey: 'switch', track: false }).key !== 'good') failures.push(`${label}: the good configuration was replaced`);
      if (answers(client).join() !== goodAnswers.join()) failures.push(`${label}: answers changed after a rejected document`);
      return 'rejected';
    }
    if (status.status !== 'ready' || status.lastError !== undefined) failures.push(`${label}: accepted, but status ${status.status} ${String(status.lastError)}`);
    exercise(client, expected.config!, label, failures, 20);
    if (client.getConfigurationStatus().streaming) {
      await serve(JSON.stringify(good()));
    } else {
      // The document turned real time off: the client polls now; a new one streams again.
      await client.close();
      await connect();
    }
    if (client.getVariation({ visitorCode: 'visitor-1', featureKey: 'switch', track: false }).key !== 'good') failures.push(`${label}: the good configuration did not come back`);
    return 'accepted';
  }

  it(`seeded mutations (seed ${SEED + 1}) and hand-made documents: rejected whole (the good one answers on) or evaluated`, async () => {
    const rng = new Rng(SEED + 1);
    const failures: string[] = [];
    const counts = { accepted: 0, rejected: 0 };
    for (let i = 0; i < 120; i++) {
      const doc = good();
      const done = mutate(doc, rng, false);
      counts[await check(JSON.stringify(doc), `seed ${SEED + 1} served case ${i} (${done.join('; ').slice(0, 200)})`, failures)]++;
    }
    const handMade: [string, string][] = [
      ['not JSON', '{"featureFlags": [ {'],
      ['empty body', ''],
      ['null', 'null'],
      ['an array', '[]'],
      ['a string', '"configuration"'],
      ['nesting deeper than the stack', `{"featureFlags":[],"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`],
      ['an experiment id above 2^31', JSON.stringify(withRule((r) => (r.experimentId = 2 ** 31), good()))],
      ['__proto__ and constructor everywhere', protoEverywhere(good())],
      ['a 1 MB flag key', JSON.stringify({ ...good(), featureFlags: [...good().featureFlags, { ...good().featureFlags[0], featureKey: 'k'.repeat(1 << 20) }] })],
      ['a group of 100,000 conditions', JSON.stringify(bigGroup(100_000, false, good()))],
    ];
    for (const [label, text] of handMade) counts[await check(text, label, failures)]++;
    console.log(`[configs] served: ${counts.accepted} accepted and evaluated, ${counts.rejected} rejected while the good configuration answered on`);
    expect(failures).toEqual([]);
    expect(counts.accepted).toBeGreaterThan(20);
    expect(counts.rejected).toBeGreaterThan(20);
  });
});

it('nothing reached Object.prototype or the other built-in prototypes', () => {
  expect(prototypeSnapshot()).toEqual(prototypesBefore);
  const probe: Record<string, unknown> = {};
  expect([probe.polluted, (probe.constructor as { polluted?: unknown }).polluted, ([] as unknown as Record<string, unknown>).polluted]).toEqual([undefined, undefined, undefined]);
});

/** The basic document with one group of `n` copies of "plan is premium" joined by AND or OR. */
function bigGroup(n: number, or: boolean, doc = base('basic')): Record<string, any> {
  const group = doc.segments[0].conditionsData.firstLevel[0];
  const condition = group.conditions[0];
  group.conditions = Array.from({ length: n }, () => ({ ...condition }));
  group.orOperators = Array.from({ length: n - 1 }, () => or);
  return doc;
}

/** Segments 1..n, each a SEGMENT condition on the next; the last on the first when `cycle`. */
function segmentChain(n: number, cycle: boolean): Record<string, any> {
  const doc = base('basic');
  const first = doc.segments[0].id;
  const chain = Array.from({ length: n }, (_, i) => ({
    id: 90_000 + i,
    name: `chain ${i}`,
    conditionsData: { firstLevelOrOperators: [], firstLevel: [{ orOperators: [], conditions: [{ targetingType: 'SEGMENT', isInclude: true, segmentId: i === n - 1 ? (cycle ? 90_000 : first) : 90_001 + i }] }] },
  }));
  doc.segments.push(...chain);
  const flag = doc.featureFlags.find((f: { featureKey: string }) => f.featureKey === 'ff_segmented');
  flag.rules[0].segmentId = 90_000;
  return doc;
}

/** The basic document with the rule of `ff_partial_exposition` (an experiment on 30 % of the traffic) changed. */
function withRule(change: (rule: Record<string, any>) => void, doc = base('basic')): Record<string, any> {
  change(doc.featureFlags.find((f: { featureKey: string }) => f.featureKey === 'ff_partial_exposition').rules[0]);
  return doc;
}

/** JSON text with own `__proto__`, `constructor` and `prototype` keys at every level, and as names and ids. */
function protoEverywhere(doc = base('sample')): string {
  const poison = '{"polluted":"yes","featureFlags":[],"prototype":{"polluted":"yes"}}';
  doc.featureFlags[0].featureKey = '__proto__';
  doc.featureFlags[1].featureKey = 'constructor';
  doc.featureFlags[0].variations[0].variables.push({ key: '__proto__', type: 'JSON', value: '{"__proto__":{"polluted":"yes"}}' });
  doc.customData[0].name = '__proto__';
  doc.customData[1].name = 'constructor';
  return JSON.stringify(doc).replace(/\{"/g, `{"__proto__":${poison},"constructor":${poison},"`);
}

/** An object nested `depth` levels deep. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}
