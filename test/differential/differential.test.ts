/**
 * Differential test: our SDK must assign exactly the same variations (key, id, experimentId, name,
 * variables, error type) as the official Kameleoon SDK, for seeded random configurations and
 * visitors, in browser mode (official `@kameleoon/javascript-sdk` 4.17.1) and in server mode
 * (official `KameleoonCore` 5.17.1 driven as a NODEJS server SDK). Everything runs offline.
 * Replay a failure with `generateConfig(seed)` + `generateVisitors(config, visitorSeed, ...)`
 * (see cases.ts); both seeds are printed with each mismatch.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as official from '@kameleoon/javascript-sdk';
import * as ours from '../../src/node.ts';
import { drive, officialServerModule, type Decision, type Mode, type SdkModule } from './drive.ts';
import { differentialCases, ROUND_GAPS, START_TIME, type DiffCase } from './cases.ts';
import { addStats, compareDecisions, simulatedDisabledFlag, formatCounts, newStats, type Mismatch, type Stats } from './compare.ts';
import { PROBE_KINDS } from './generate.ts';

const OURS: SdkModule = ours;
const OFFICIAL_BROWSER: SdkModule = official as unknown as SdkModule;
const MODES: Mode[] = ['browser', 'server'];
const MIN_TOTAL_FLAG_DECISIONS = 200_000;
const SHOW = 5;

const results = new Map<Mode, Stats>();

function describeMismatch(mode: Mode, c: DiffCase, m: Mismatch): string {
  const d: Decision | undefined = m.official ?? m.ours;
  const visitor = c.visitors.find((v) => v.code === d?.visitor);
  return [
    `--- ${mode} mode, config ${c.label} (config seed ${c.seed}, visitor seed ${c.visitorSeed}), decision #${m.index}`,
    `visitor ${JSON.stringify(d?.visitor)}, round ${d?.round}, flag ${d?.flag}, track ${d?.track}`,
    `ours:     ${JSON.stringify(m.ours)}`,
    `official: ${JSON.stringify(m.official)}`,
    `visitor spec: ${JSON.stringify(visitor)}`,
  ].join('\n');
}

describe('differential: our SDK vs the official Kameleoon SDK', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it('compares two different implementations', () => {
    expect(OURS.KameleoonClient).not.toBe(OFFICIAL_BROWSER.KameleoonClient);
  });

  for (const mode of MODES) {
    it(`${mode} mode: every decision matches`, async () => {
      const oracle = mode === 'browser' ? OFFICIAL_BROWSER : officialServerModule();
      const stats = newStats();
      results.set(mode, stats);
      const shown: string[] = [];
      let compared = 0;
      let mismatches = 0;
      let simulatedOff = 0;
      const time = { official: 0, ours: 0 };
      for (const c of differentialCases(mode)) {
        const opts = { setNow: (t: number) => vi.setSystemTime(t), startTime: START_TIME, roundGaps: ROUND_GAPS };
        let t0 = performance.now();
        const expected = await drive(oracle, mode, c.config, c.visitors, { ...opts, nonceSeed: c.seed + 1 });
        time.official += performance.now() - t0;
        t0 = performance.now();
        const actual = await drive(OURS, mode, c.config, c.visitors, { ...opts, nonceSeed: c.seed + 1_000 });
        time.ours += performance.now() - t0;

        // Per visitor: the simulation cookies it ever had (see simulatedDisabledFlag).
        const bySimulation = new Map(c.visitors.map((v) => [v.code, simulatedDisabledFlag(v.simulation)]));
        const r = compareDecisions(actual, expected, SHOW, (a, b) => bySimulation.get(a.visitor)?.(a, b) === true);
        compared += Math.max(actual.length, expected.length);
        mismatches += r.count;
        simulatedOff += r.accepted;
        for (const m of r.first) if (shown.length < SHOW) shown.push(describeMismatch(mode, c, m));
        addStats(stats, expected, c.probes);
      }
      console.log(
        `[differential ${mode}] compared ${compared} records (${stats.flagDecisions} getVariation decisions), ` +
          `${mismatches} mismatches, ${simulatedOff} simulated disabled flags (as the official 4.20); official ${time.official.toFixed(0)} ms, ours ${time.ours.toFixed(0)} ms\n` +
          `  keys: ${formatCounts(stats.keys, 12)}\n  errors: ${formatCounts(stats.errors)}`,
      );
      if (mismatches) console.error(`[differential ${mode}] first mismatches:\n${shown.join('\n')}`);
      expect(mismatches, `${mismatches} mismatching decisions in ${mode} mode (first ones printed above)`).toBe(0);
      // The accepted divergence is exercised (and stays the exception).
      expect(simulatedOff).toBeGreaterThan(0);
      expect(simulatedOff).toBeLessThan(stats.flagDecisions / 100);
    });
  }

  it('decisions are not degenerate', () => {
    expect([...results.keys()].sort()).toEqual([...MODES].sort());
    const total = [...results.values()].reduce((n, s) => n + s.flagDecisions, 0);
    expect(total).toBeGreaterThanOrEqual(MIN_TOTAL_FLAG_DECISIONS);
    for (const [mode, s] of results) {
      const ctx = `${mode} mode`;
      expect(s.keys.size, `${ctx}: distinct variation keys`).toBeGreaterThanOrEqual(8);
      expect(s.nonDefault / s.flagDecisions, `${ctx}: share of experiment assignments`).toBeGreaterThan(0.1);
      expect(s.nonDefault / s.flagDecisions, `${ctx}: share of experiment assignments`).toBeLessThan(0.9);
      expect(s.errors.get('FeatureFlagEnvironmentDisabled') ?? 0, `${ctx}: disabled/blocked errors`).toBeGreaterThan(0);
      expect(s.errors.get('#forced:FeatureFlagExperimentNotFound') ?? 0, `${ctx}: forced unknown experiment`).toBeGreaterThan(0);
      expect(s.errors.get('#forced:FeatureFlagVariationNotFound') ?? 0, `${ctx}: forced unknown variation`).toBeGreaterThan(0);
      expect([...s.errors.keys()].filter((e) => e.includes('NonKameleoonError')), `${ctx}: unexpected exceptions`).toEqual([]);
      for (const kind of PROBE_KINDS) {
        const [on, off] = s.probes.get(kind) ?? [0, 0];
        expect(on, `${ctx}: probe ${kind} never targeted`).toBeGreaterThan(0);
        if (kind !== 'UNKNOWN') expect(off, `${ctx}: probe ${kind} never rejected`).toBeGreaterThan(0);
      }
    }
  });
});
