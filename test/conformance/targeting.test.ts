/**
 * Conformance: one targeting condition per flag (synthetic-configs/targeting-matrix.json), checked
 * for six visitor profiles against the golden outputs of the official engine
 * (golden-js-core-5.17.1/targeting-matrix.json). Each `t_*` flag is a targeted-delivery rule with
 * exposition 1 whose segment holds one condition, so `on` means the condition matched.
 *
 * The golden file describes each profile in prose (`visitorProfiles`); parseProfile below turns
 * that prose into data and refuses anything it does not recognise, so the file stays the single
 * source of truth. Per the golden file's `evaluationOrder`, ff_50_50 is evaluated first (its saved
 * assignment feeds t_target_ff_1_on), then every t_* flag in the file's order, all with track=false.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import golden from './fixtures/golden-js-core-5.17.1/targeting-matrix.json';
import matrixConfig from './fixtures/synthetic-configs/targeting-matrix.json';
import { closeClient, createClient, evaluate, keyOf, sdk, type Client, type Outcome } from './sdk.ts';

// ---------------------------------------------------------------------------------------------
// Profile prose → data
// ---------------------------------------------------------------------------------------------

type DataSpec =
  | { kind: 'CustomData'; index: number; value: string }
  | { kind: 'Device'; device: string }
  | { kind: 'Browser'; browser: string; version?: number }
  | { kind: 'OperatingSystem'; os: string }
  | { kind: 'Geolocation'; country: string; city: string }
  | { kind: 'Conversion'; goalId: number }
  | { kind: 'Cookie'; key: string; value: string }
  | { kind: 'ApplicationVersion'; version: string }
  | { kind: 'PageView'; urlAddress: string; title: string };

/**
 * Parses e.g. "CD0=premium, CD1='5', Device DESKTOP, Browser CHROME 120, OS MAC, Geo France/Paris,
 * Conversion goal 42, Cookie ab=1, AppVersion 1.3.0, PageViews /home(Home) then /checkout(Checkout)".
 * The specs come back in the order written, page views in the order they were visited.
 */
function parseProfile(profile: string): DataSpec[] {
  if (profile === 'no data at all') return [];
  return profile.split(/,\s*/).flatMap((token): DataSpec[] => {
    let m: RegExpExecArray | null;
    if ((m = /^CD(\d+)=(?:'([^']*)'|([^\s']+))$/.exec(token))) {
      return [{ kind: 'CustomData', index: Number(m[1]), value: m[2] ?? m[3] }];
    }
    if ((m = /^Device ([A-Z_]+)$/.exec(token))) return [{ kind: 'Device', device: m[1] }];
    if ((m = /^Browser ([A-Z_]+) (\d+(?:\.\d+)?)$/.exec(token))) {
      return [{ kind: 'Browser', browser: m[1], version: Number(m[2]) }];
    }
    if ((m = /^Browser ([A-Z_]+) \(no version\)$/.exec(token))) return [{ kind: 'Browser', browser: m[1] }];
    if ((m = /^OS ([A-Z_]+)$/.exec(token))) return [{ kind: 'OperatingSystem', os: m[1] }];
    if ((m = /^Geo ([^/]+)\/([^/]+)$/.exec(token))) return [{ kind: 'Geolocation', country: m[1], city: m[2] }];
    if ((m = /^Conversion goal (\d+)$/.exec(token))) return [{ kind: 'Conversion', goalId: Number(m[1]) }];
    if ((m = /^Cookie ([^=\s]+)=(\S*)$/.exec(token))) return [{ kind: 'Cookie', key: m[1], value: m[2] }];
    if ((m = /^AppVersion (\d+(?:\.\d+)*)$/.exec(token))) return [{ kind: 'ApplicationVersion', version: m[1] }];
    if ((m = /^PageViews? (.+)$/.exec(token))) {
      return m[1].split(' then ').map((page): DataSpec => {
        const p = /^(\S+)\(([^)]*)\)$/.exec(page);
        if (!p) throw new Error(`cannot parse page view "${page}" in profile "${profile}"`);
        return { kind: 'PageView', urlAddress: p[1], title: p[2] };
      });
    }
    throw new Error(`cannot parse "${token}" in profile "${profile}"`);
  });
}

/** The enum member whose wire value is `value` (member names differ between SDKs, values do not). */
function enumValue<E extends Record<string, string>>(enumObject: E, value: string): E[keyof E] {
  const found = Object.values(enumObject).find((v) => v === value);
  if (found === undefined) throw new Error(`no enum value "${value}" in ${JSON.stringify(enumObject)}`);
  return found as E[keyof E];
}

function buildData(spec: DataSpec) {
  switch (spec.kind) {
    case 'CustomData':
      return new sdk.CustomData(spec.index, spec.value);
    case 'Device':
      return new sdk.Device(enumValue(sdk.DeviceType, spec.device));
    case 'Browser':
      return spec.version === undefined
        ? new sdk.Browser(enumValue(sdk.BrowserType, spec.browser))
        : new sdk.Browser(enumValue(sdk.BrowserType, spec.browser), spec.version);
    case 'OperatingSystem':
      return new sdk.OperatingSystem(enumValue(sdk.OperatingSystemType, spec.os));
    case 'Geolocation':
      return new sdk.GeolocationData({ country: spec.country, city: spec.city });
    case 'Conversion':
      return new sdk.Conversion({ goalId: spec.goalId });
    case 'Cookie':
      return new sdk.Cookie([{ key: spec.key, value: spec.value }]);
    case 'ApplicationVersion':
      return new sdk.ApplicationVersion(spec.version);
    case 'PageView':
      return new sdk.PageView({ urlAddress: spec.urlAddress, title: spec.title });
  }
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

const profiles: Record<string, string> = golden.visitorProfiles;

const visitors = golden.results.map(({ visitorCode, result }) => {
  const profile = profiles[visitorCode];
  if (profile === undefined) throw new Error(`targeting-matrix.json: no visitorProfiles entry for "${visitorCode}"`);
  return { visitorCode, profile, data: parseProfile(profile), flags: Object.entries(result as Record<string, string>) };
});

const rows = visitors.flatMap(({ visitorCode, flags }) =>
  flags.map(([featureKey, key], position) => ({ visitorCode, position: position + 1, featureKey, key })),
);

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('targeting-matrix.json fixture', () => {
  it('has 6 visitors × 30 flags (ff_50_50 + 29 t_* flags)', () => {
    expect(visitors.map((v) => v.flags.length)).toEqual([30, 30, 30, 30, 30, 30]);
    expect(rows).toHaveLength(180);
  });

  it('evaluates ff_50_50 first for every visitor', () => {
    expect(visitors.every((v) => v.flags[0][0] === 'ff_50_50')).toBe(true);
  });

  it('every flag of the golden results exists in the config', () => {
    const configured = new Set(matrixConfig.featureFlags.map((f) => f.featureKey));
    expect(rows.filter((r) => !configured.has(r.featureKey)).map((r) => r.featureKey)).toEqual([]);
  });

  it('parses the visitor1 profile into the data it describes', () => {
    expect(visitors.find((v) => v.visitorCode === 'visitor1')?.data).toEqual([
      { kind: 'CustomData', index: 0, value: 'premium' },
      { kind: 'CustomData', index: 1, value: '5' },
      { kind: 'CustomData', index: 3, value: 'TRUE' },
      { kind: 'Device', device: 'DESKTOP' },
      { kind: 'Browser', browser: 'CHROME', version: 120 },
      { kind: 'OperatingSystem', os: 'MAC' },
      { kind: 'Geolocation', country: 'France', city: 'Paris' },
      { kind: 'Conversion', goalId: 42 },
      { kind: 'Cookie', key: 'ab', value: '1' },
      { kind: 'ApplicationVersion', version: '1.3.0' },
      { kind: 'PageView', urlAddress: '/home', title: 'Home' },
      { kind: 'PageView', urlAddress: '/checkout', title: 'Checkout' },
    ]);
  });

  it.each([
    ['0', 9],
    ['tv-1', 4],
    ['nodata-visitor', 0],
    ['empty-cd', 1],
    ['abc-cd', 2],
  ])('parses the %s profile into %i data items', (visitorCode, count) => {
    expect(visitors.find((v) => v.visitorCode === visitorCode)?.data).toHaveLength(count);
  });
});

describe('condition matrix (synthetic-configs/targeting-matrix.json)', () => {
  let client: Client | undefined;
  const outcomes = new Map<string, Outcome>();

  beforeAll(async () => {
    // Page views must get strictly increasing timestamps (latest page, previous page).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-15T10:00:00Z'));
    client = await createClient(matrixConfig);
    for (const { visitorCode, data, flags } of visitors) {
      for (const spec of data) {
        vi.setSystemTime(Date.now() + 1000);
        client.addData(visitorCode, buildData(spec));
      }
      for (const [featureKey] of flags) {
        outcomes.set(JSON.stringify([visitorCode, featureKey]), await evaluate(client, visitorCode, featureKey));
      }
    }
  });
  afterAll(async () => {
    vi.useRealTimers();
    await closeClient(client);
  });

  it.each(rows)('$visitorCode #$position $featureKey → $key', ({ visitorCode, featureKey, key }) => {
    const outcome = outcomes.get(JSON.stringify([visitorCode, featureKey])) ?? { error: 'not evaluated (did beforeAll fail?)' };
    expect(keyOf(outcome)).toEqual({ key });
  });
});
