/**
 * The fixed workload of the differential test: which configurations, how many visitors, which clock.
 */
import { readFileSync } from 'node:fs';
import { generateConfig, generateVisitors, type KConfig } from './generate.ts';
import type { Mode } from './drive.ts';
import type { VisitorSpec } from './visitors.ts';

/** Generated configurations per mode (seeds 1..N), plus the sample configuration. */
export const CONFIG_COUNT = 30;
/** Visitors per configuration. */
export const VISITORS_PER_CONFIG = 100;
/** Evaluation rounds per visitor. */
export const ROUNDS = 4;
/** Local-time start (21:55) so that round 2 crosses local midnight (SAME_DAY_VISITS). */
export const START_TIME = new Date(2026, 2, 15, 21, 55, 0).getTime();
/** Clock jumps between rounds: > 30 min each, so the browser SDK opens a new visit every round. */
export const ROUND_GAPS = [2 * 3_600_000, 50 * 3_600_000, 26 * 3_600_000] as const;

/** One configuration with its visitors. */
export interface DiffCase {
  label: string; seed: number; visitorSeed: number; config: KConfig; probes: Record<string, string>; visitors: VisitorSpec[];
}

/** The sample configuration copied from the shared conformance folder. */
export function sampleConfig(): KConfig {
  return JSON.parse(readFileSync(new URL('./fixtures/kameleoon-sample-config.json', import.meta.url), 'utf8')) as KConfig;
}

/**
 * Builds the cases of one mode. Visitor seeds differ per mode so the two modes see different visitors.
 * @param configCount - number of generated configurations (seeds 1..configCount).
 */
export function differentialCases(mode: Mode, configCount = CONFIG_COUNT, visitorsPerConfig = VISITORS_PER_CONFIG): DiffCase[] {
  const salt = mode === 'browser' ? 1 : 2;
  const cases: DiffCase[] = [];
  const sample = sampleConfig();
  const sampleSeed = 7_000 + salt;
  cases.push({ label: 'fixtures/kameleoon-sample-config.json', seed: 0, visitorSeed: sampleSeed, config: sample, probes: {}, visitors: generateVisitors(sample, sampleSeed, visitorsPerConfig, ROUNDS) });
  for (let seed = 1; seed <= configCount; seed++) {
    const { config, probes } = generateConfig(seed);
    const visitorSeed = seed * 7919 + salt;
    cases.push({ label: `generateConfig(${seed})`, seed, visitorSeed, config, probes, visitors: generateVisitors(config, visitorSeed, visitorsPerConfig, ROUNDS) });
  }
  return cases;
}
