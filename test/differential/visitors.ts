/**
 * Seeded generator of visitors for the differential test: visitor codes, targeting data drawn from
 * the same pools as the generated conditions (so that conditions are sometimes true), consent,
 * forced variations, QA simulation cookies, cross-device (mapping identifier) links and bucketing
 * custom data. A visitor is a list of rounds; each round is a list of API steps followed by an
 * evaluation of every flag (done by the driver).
 */
import { Rng } from './rng.ts';
import { POOLS } from './pools.ts';
import type { KConfig } from './generate.ts';

/** Custom data, by index or by name (a name the configuration may not know). */
export type CustomDataSpec = { t: 'CustomData'; index?: number; name?: string; overwrite?: boolean; values: string[] };

/** A data instance to build with the SDK's own constructors (`t` is the class name). */
export type DataSpec =
  | CustomDataSpec
  | { t: 'PageView'; url: string; title: string; referrers?: number[] }
  | { t: 'Conversion'; goalId: number; revenue?: number; negative?: boolean; metadata?: CustomDataSpec[] }
  | { t: 'Browser'; browser: string; version?: number }
  | { t: 'Device'; device: string }
  | { t: 'OperatingSystem'; os: string }
  | { t: 'GeolocationData'; country: string; region?: string; city?: string; postalCode?: string; coordinates?: [number, number] }
  | { t: 'Cookie'; pairs: { key: string; value: string }[] }
  | { t: 'UserAgent'; value: string }
  | { t: 'ApplicationVersion'; version: string }
  | { t: 'UniqueIdentifier'; value: boolean };

/** One API call made for a visitor before its flags are evaluated. */
export type Step =
  | { op: 'getVisitorCode' }
  | { op: 'addData'; data: DataSpec[] }
  | { op: 'consent'; value: boolean }
  | { op: 'forced'; experimentId: number; variationKey: string | null; forceTargeting?: boolean };

/** A generated visitor. `simulation[r]` is the `kameleoonSimulationFFData` cookie seen in round r. */
export interface VisitorSpec { code: string; simulation: (string | null)[]; rounds: Step[][]; trackBits: number }

const FORBIDDEN_CODES = new Set(Object.getOwnPropertyNames(Object.prototype));
const ALNUM = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const ALNUM_SPACE = [...ALNUM, ' '];
const ALNUM_SPACE_DASH = [...ALNUM, ' ', '-'];
const UNICODE = ['é', '漢', '字', 'ü', ' ', '😀', '-', '_', 'a', 'Z', '9', 'ß'];

function randomCode(rng: Rng): string {
  const alnum = (n: number) => Array.from({ length: n }, () => rng.pick(ALNUM)).join('');
  const r = rng.float();
  if (r < 0.05) return rng.pick(POOLS.knownVisitorCodes);
  if (r < 0.15) return `qa_${alnum(rng.int(1, 12))}`;
  if (r < 0.25) return Array.from({ length: rng.int(100, 255) }, () => rng.pick(ALNUM_SPACE)).join('');
  if (r < 0.35) {
    let s = '';
    for (let n = rng.int(1, 30); n > 0; n--) s += rng.pick(UNICODE);
    return s;
  }
  if (r < 0.65) return alnum(16);
  return Array.from({ length: rng.int(1, 24) }, () => rng.pick(ALNUM_SPACE_DASH)).join('');
}

/** Facts about a config that the visitor generator draws from. */
interface ConfigFacts {
  indexes: number[];
  names: string[];
  mappingIndex: number | undefined;
  mappingName: string | undefined;
  bucketIndexes: number[];
  harvested: Map<number, string[]>;
  experiments: { experimentId: number; keys: string[] }[];
  simTargets: { featureKey: string; expId: number; varIds: (number | null)[] }[];
  featureKeys: string[];
}

function facts(config: KConfig): ConfigFacts {
  const harvested = new Map<number, string[]>();
  const add = (i: number, v: unknown) => { if (typeof v === 'string' || typeof v === 'number') harvested.set(i, [...(harvested.get(i) ?? []), String(v)]); };
  for (const seg of config.segments ?? []) {
    for (const c of seg.conditionsData.firstLevel.flatMap((g) => g.conditions)) {
      if (c.targetingType !== 'CUSTOM_DATUM') continue;
      const i = Number(c.customDataIndex);
      if (c.valueMatchType === 'AMONG_VALUES' && typeof c.value === 'string') {
        const parsed: unknown = JSON.parse(c.value);
        if (Array.isArray(parsed)) parsed.forEach((v) => add(i, v));
      } else if (c.valueMatchType === 'RANGE' && Array.isArray(c.range)) (c.range as number[]).forEach((v) => { add(i, v); add(i, v + 0.5); });
      else add(i, c.value);
    }
  }
  const rules = config.featureFlags.flatMap((f) => f.rules.map((r) => ({ f, r })));
  const mapping = config.customData.find((c) => c.isMappingIdentifier);
  return {
    indexes: config.customData.map((c) => c.index),
    names: config.customData.flatMap((c) => (c.name ? [c.name] : [])),
    mappingIndex: mapping?.index,
    mappingName: mapping?.name,
    bucketIndexes: config.featureFlags.flatMap((f) => config.customData.filter((c) => c.id !== undefined && c.id === f.bucketingCustomDataId).map((c) => c.index)),
    harvested,
    experiments: [
      ...rules.map(({ r }) => ({ experimentId: r.experimentId, keys: r.variationByExposition.map((v) => v.variationKey) })),
      ...(config.holdout ? [{ experimentId: config.holdout.experimentId, keys: ['in-holdout', 'off'] }] : []),
    ],
    simTargets: rules.map(({ f, r }) => ({ featureKey: f.featureKey, expId: r.experimentId, varIds: r.variationByExposition.map((v) => v.variationId) })),
    featureKeys: config.featureFlags.map((f) => f.featureKey),
  };
}

function customDatum(rng: Rng, cf: ConfigFacts, isLinkTarget: boolean): CustomDataSpec {
  let indexes = [...cf.indexes, 9];
  if (isLinkTarget) indexes = indexes.filter((i) => i !== cf.mappingIndex);
  const index = rng.pick(indexes);
  const pool = rng.chance(0.5) && cf.harvested.has(index) ? cf.harvested.get(index)! : POOLS.cdStrings;
  const n = rng.chance(0.05) ? 0 : rng.chance(0.8) ? 1 : rng.int(2, 3);
  const values = Array.from({ length: n }, () => rng.pick(pool));
  const overwrite = rng.chance(0.7) ? undefined : rng.chance(0.5);
  const names = isLinkTarget ? cf.names.filter((nm) => nm !== cf.mappingName) : cf.names;
  if (rng.chance(0.12)) return { t: 'CustomData', name: rng.chance(0.8) && names.length ? rng.pick(names) : 'unknownName', overwrite, values };
  return { t: 'CustomData', index, overwrite, values };
}

function datum(rng: Rng, cf: ConfigFacts, isLinkTarget: boolean, allowPageView: boolean): DataSpec {
  const r = rng.float();
  if (r < 0.3 || (!allowPageView && r < 0.5)) return customDatum(rng, cf, isLinkTarget);
  if (r < 0.5) return { t: 'PageView', url: rng.pick(POOLS.urls), title: rng.pick(POOLS.titles), ...(rng.chance(0.1) ? { referrers: [1, 2] } : {}) };
  if (r < 0.58) {
    // Metadata by index or by name (known or not): both SDKs resolve names through the configuration.
    const metadata = rng.chance(0.3) ? Array.from({ length: rng.int(1, 2) }, () => customDatum(rng, cf, isLinkTarget)) : undefined;
    return { t: 'Conversion', goalId: rng.pick(POOLS.goalIds), ...(rng.chance(0.5) ? { revenue: 9.5 } : {}), ...(rng.chance(0.2) ? { negative: true } : {}), ...(metadata ? { metadata } : {}) };
  }
  if (r < 0.66) {
    const version = rng.pick([undefined, 99, 100, 100.5, 120, 17.1, 99.5]);
    return { t: 'Browser', browser: rng.pick(POOLS.browsers), ...(version === undefined ? {} : { version }) };
  }
  if (r < 0.72) return { t: 'Device', device: rng.pick(POOLS.devices) };
  if (r < 0.78) return { t: 'OperatingSystem', os: rng.pick(POOLS.oses) };
  if (r < 0.84) {
    const region = rng.pick<string>([...POOLS.regions.filter((x) => x !== null), '']);
    const city = rng.pick(POOLS.cities.filter((x) => x !== null));
    return { t: 'GeolocationData', country: rng.pick(POOLS.countries), ...(rng.chance(0.7) ? { region } : {}), ...(rng.chance(0.7) ? { city } : {}),
      ...(rng.chance(0.2) ? { postalCode: '75008', coordinates: [48.87, 2.29] as [number, number] } : {}) };
  }
  if (r < 0.9) return { t: 'Cookie', pairs: Array.from({ length: rng.int(1, 3) }, () => ({ key: rng.pick(POOLS.cookieNames), value: rng.pick(POOLS.cookieValues) })) };
  if (r < 0.96) return { t: 'ApplicationVersion', version: rng.pick([...POOLS.appVersions, '']) };
  if (r < 0.98) return { t: 'UserAgent', value: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0' };
  return { t: 'UniqueIdentifier', value: rng.chance(0.5) };
}

function addDataStep(rng: Rng, cf: ConfigFacts, isLinkTarget: boolean): Step {
  const data: DataSpec[] = [];
  let pageView = false;
  for (let n = rng.int(1, 3); n > 0; n--) {
    const d = datum(rng, cf, isLinkTarget, !pageView);
    pageView ||= d.t === 'PageView';
    data.push(d);
  }
  return { op: 'addData', data };
}

function simulationCookie(rng: Rng, cf: ConfigFacts): string {
  if (rng.chance(0.03)) return rng.pick(['not-json', '%E0%A4%A', '{"x":1']);
  const out: Record<string, unknown> = {};
  for (let n = rng.int(1, 2); n > 0; n--) {
    const r = rng.float();
    if (r < 0.6 && cf.simTargets.length) {
      const t = rng.pick(cf.simTargets);
      out[t.featureKey] = { expId: t.expId, varId: rng.pick(t.varIds) };
    } else if (r < 0.75) out[rng.pick(cf.featureKeys)] = { expId: 0, varId: null };
    else if (r < 0.85) out[rng.pick(cf.featureKeys)] = { expId: 123_456, varId: 654_321 };
    else if (r < 0.9) out[rng.pick(cf.featureKeys)] = { expId: null, varId: null };
    else out['no_such_flag'] = { expId: 1, varId: 2 };
  }
  return encodeURIComponent(JSON.stringify(out));
}

function forcedStep(rng: Rng, cf: ConfigFacts): Step {
  const exp = cf.experiments.length && rng.chance(0.9) ? rng.pick(cf.experiments) : { experimentId: 99_999_999, keys: ['on'] };
  const variationKey = rng.chance(0.8) ? rng.pick(exp.keys) : rng.chance(0.5) ? 'nope' : null;
  const f = rng.int(0, 2);
  return { op: 'forced', experimentId: exp.experimentId, variationKey, ...(f === 0 ? {} : { forceTargeting: f === 1 }) };
}

/**
 * Generates visitors for one configuration.
 * @param config - the configuration the visitors will be evaluated against (ids, custom data, pools).
 * @param seed - mulberry32 seed.
 * @param count - number of visitors (codes are unique, 1..255 UTF-16 units, never an Object.prototype key).
 * @param rounds - evaluation rounds per visitor (the driver advances the clock between rounds).
 */
export function generateVisitors(config: KConfig, seed: number, count: number, rounds = 4): VisitorSpec[] {
  const rng = new Rng(seed);
  const cf = facts(config);
  const codes: string[] = [];
  const used = new Set<string>();
  while (codes.length < count) {
    const code = randomCode(rng);
    if (code.length < 1 || code.length > 255 || used.has(code) || FORBIDDEN_CODES.has(code)) continue;
    used.add(code);
    codes.push(code);
  }
  // Cross-device pairs: `links[a] = b` means visitor a adds the mapping custom data with b's code.
  const links = new Map<number, number>();
  const targets = new Set<number>();
  if (cf.mappingIndex !== undefined) {
    const order = rng.shuffle(codes.map((_, i) => i));
    for (let k = 0; k + 1 < order.length && links.size < Math.ceil(count * 0.06); k += 2) {
      links.set(order[k], order[k + 1]);
      targets.add(order[k + 1]);
    }
  }

  // Draws of their own (the other visitors stay as they were): visitors that say they are a unique
  // identifier without a link, which the tracker then maps to themselves (official checkIsIdentifier).
  const uniqueRng = new Rng(seed ^ 0x51d);
  return codes.map((code, i) => {
    const isLinkTarget = targets.has(i);
    const uniqueRound = cf.mappingIndex !== undefined && !isLinkTarget && !links.has(i) && uniqueRng.chance(0.08) ? uniqueRng.int(0, 1) : -1;
    const simulation: (string | null)[] = [];
    for (let r = 0; r < rounds; r++) {
      const prev = r === 0 ? null : simulation[r - 1];
      simulation.push(r > 0 && rng.chance(0.75) ? prev : rng.chance(0.15) ? simulationCookie(rng, cf) : null);
    }
    const steps: Step[][] = [];
    for (let r = 0; r < rounds; r++) {
      const s: Step[] = [];
      if (simulation[r] !== null || (r > 0 && simulation[r - 1] !== null) || rng.chance(0.08)) s.push({ op: 'getVisitorCode' });
      if (rng.chance(r === 0 ? 0.5 : 0.08)) s.push({ op: 'consent', value: rng.chance(0.6) });
      for (let n = rng.chance(r === 0 ? 0.15 : 0.04) ? rng.int(1, 2) : 0; n > 0; n--) s.push(forcedStep(rng, cf));
      for (let n = r === 0 ? rng.int(0, 3) : rng.chance(0.5) ? 1 : 0; n > 0; n--) s.push(addDataStep(rng, cf, isLinkTarget));
      if (r === 0 && cf.bucketIndexes.length && rng.chance(0.5)) {
        s.push({ op: 'addData', data: [{ t: 'CustomData', index: rng.pick(cf.bucketIndexes), values: [rng.pick(POOLS.bucketingValues)] }] });
      }
      const link = links.get(i);
      if (link !== undefined && r === (i % 2)) {
        const value = rng.chance(0.1) ? code : codes[link];
        const byName = cf.mappingName !== undefined && rng.chance(0.3);
        s.push({ op: 'addData', data: [byName ? { t: 'CustomData', name: cf.mappingName, values: [value] } : { t: 'CustomData', index: cf.mappingIndex, values: [value] }] });
        if (rng.chance(0.3)) s.push({ op: 'addData', data: [{ t: 'UniqueIdentifier', value: true }] });
      }
      steps.push(rng.shuffle(s.slice(0, -1)).concat(s.slice(-1)));
      if (r === uniqueRound) steps[r].push({ op: 'addData', data: [{ t: 'UniqueIdentifier', value: true }] });
    }
    return { code, simulation, rounds: steps, trackBits: Math.floor(rng.float() * 2 ** 32) >>> 0 };
  });
}
