/**
 * Differential test of tracking: for the same configurations, visitors and data as the decision
 * test, the lines our SDK sends for each visitor are byte for byte the official SDK's (nonces
 * aside: each SDK draws its own). Every getVariation tracks, and one `flush({ instant: true })` at
 * the end sends everything: the official SDK re-sends exposures on later ticks and cancels pending
 * ones on `track: false`, which we deliberately do not copy, so a single flush is where both must
 * agree. Lines are compared per visitor, in order; the order of visitors within a body follows
 * scheduling and is not compared.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as official from '@kameleoon/javascript-sdk';
import * as ours from '../../src/node.ts';
import { drive, officialServerModule, type Mode, type SdkModule } from './drive.ts';
import { differentialCases, ROUND_GAPS, START_TIME, type DiffCase } from './cases.ts';

const MODES: Mode[] = ['browser', 'server'];
/** Configurations per mode (the sample plus generated ones) and visitors per configuration. */
const CONFIGS = 12;
const VISITORS = 60;
const SHOW = Number(process.env.TRACKING_DIFF_SHOW ?? 5);

/**
 * Lines by visitor identifier (the `&visitorCode=` or `&mappingValue=` parameter), nonces masked.
 * The official SDK keys a visitor's conversions by a random id, so their relative order is random:
 * each run of consecutive conversion lines is sorted (the user agent, which rides on the first
 * line, is taken out of it first).
 */
export function linesByVisitor(bodies: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const body of bodies) {
    for (const line of body.split('\n')) {
      const id = /&(visitorCode|mappingValue)=([^&]*)/.exec(line)?.[0] ?? '<none>';
      const masked = line.replace(/&nonce=[0-9A-F]{16}/, '&nonce=<nonce>');
      let lines = out.get(id);
      if (!lines) out.set(id, (lines = []));
      // The user agent rides on a visitor's first line: compared on its own, before that line.
      const ua = masked.indexOf('&userAgent=');
      if (ua >= 0) lines.push(`<${masked.slice(ua + 1)} on the first line>`, masked.slice(0, ua));
      else lines.push(masked);
    }
  }
  const isConversion = (line: string) => line.startsWith('eventType=conversion&');
  for (const lines of out.values()) {
    for (let i = 0; i < lines.length; i++) {
      let j = i;
      while (j < lines.length && isConversion(lines[j])) j++;
      if (j - i > 1) lines.splice(i, j - i, ...lines.slice(i, j).sort());
      i = j;
    }
  }
  return out;
}

/**
 * Local-only custom data indexes of a configuration. We never send them; the official SDK does,
 * for the first visitor it flushes in each 30-minute window, when the index has VISITOR scope
 * (its "persistent custom data" bypasses the local-only check): those official lines are left out.
 */
function localOnlyIndexes(c: DiffCase): Set<number> {
  const definitions = (c.config as { customData?: { index: number; localOnly?: boolean }[] }).customData ?? [];
  return new Set(definitions.filter((cd) => cd.localOnly).map((cd) => cd.index));
}

describe('differential tracking: request lines vs the official SDK', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  for (const mode of MODES) {
    it(`${mode} mode: every visitor's lines match`, async () => {
      const oracle = mode === 'browser' ? (official as unknown as SdkModule) : officialServerModule();
      const cases: DiffCase[] = differentialCases(mode, CONFIGS - 1, VISITORS);
      let lines = 0;
      let visitors = 0;
      let skipped = 0;
      const mismatches: string[] = [];
      for (const c of cases) {
        const opts = { setNow: (t: number) => vi.setSystemTime(t), startTime: START_TIME, roundGaps: ROUND_GAPS };
        const theirs: string[] = [];
        const mine: string[] = [];
        await drive(oracle, mode, c.config, c.visitors, { ...opts, nonceSeed: c.seed + 1, trackingBodies: theirs });
        await drive(ours as SdkModule, mode, c.config, c.visitors, { ...opts, nonceSeed: c.seed + 2, trackingBodies: mine });
        const expected = linesByVisitor(theirs);
        const actual = linesByVisitor(mine);
        const localOnly = localOnlyIndexes(c);
        const isLocalOnlyLine = (line: string) => localOnly.has(Number(/^eventType=customData&index=(\d+)&/.exec(line)?.[1] ?? -1));
        for (const id of new Set([...expected.keys(), ...actual.keys()])) {
          visitors++;
          const e = (expected.get(id) ?? []).filter((line) => {
            if (!isLocalOnlyLine(line)) return true;
            skipped++;
            return false;
          });
          const a = actual.get(id) ?? [];
          lines += Math.max(e.length, a.length);
          if (JSON.stringify(e) !== JSON.stringify(a) && mismatches.length < SHOW) {
            mismatches.push(`--- ${mode}, ${c.label}, visitor ${id}\nofficial: ${JSON.stringify(e, null, 1)}\nours:     ${JSON.stringify(a, null, 1)}\nspec: ${JSON.stringify(c.visitors.find((v) => id.endsWith(`=${encodeURIComponent(v.code)}`)))}`);
          } else if (JSON.stringify(e) !== JSON.stringify(a)) {
            mismatches.push('');
          }
        }
      }
      console.log(`[tracking ${mode}] compared ${lines} lines of ${visitors} visitors over ${cases.length} configurations (${skipped} official local-only custom data lines left out), ${mismatches.length} visitors differ`);
      if (mismatches.length) console.error(mismatches.filter(Boolean).join('\n'));
      expect(lines).toBeGreaterThan(1_000);
      expect(mismatches.length).toBe(0);
    });
  }
});
