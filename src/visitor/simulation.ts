import type { ParsedConfig } from '../config/parse.ts';
import type { SimulatedVariation } from '../evaluation/evaluate.ts';

/**
 * Reads the `kameleoonSimulationFFData` cookie (URI-encoded JSON
 * `{ "<featureKey>": { "expId": n, "varId": m } }`) the Kameleoon QA tools set. `expId` 0
 * simulates "no rule" (the default variation); an entry naming an unknown flag, experiment or
 * variation is dropped, as the official SDK does. Malformed or hostile input yields nothing.
 */
export function parseSimulationCookie(value: string | null, config: ParsedConfig): Map<string, SimulatedVariation> | undefined {
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(value));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const result = new Map<string, SimulatedVariation>();
  for (const featureKey of Object.keys(parsed)) {
    const entry = (parsed as Record<string, unknown>)[featureKey] as { expId?: unknown; varId?: unknown } | null;
    if (!entry || typeof entry !== 'object' || typeof entry.expId !== 'number') continue;
    const flag = config.flags.get(featureKey);
    if (!flag) continue;
    if (entry.expId === 0) {
      result.set(featureKey, { rule: null, variation: null });
      continue;
    }
    for (const rule of flag.rules) {
      if (rule.experimentId !== entry.expId) continue;
      // `varId: null` matches a split entry without a variation id, as in the official engine.
      const split = rule.variationByExposition.find((v) => v.variationId === entry.varId);
      if (split) {
        result.set(featureKey, { rule: { type: rule.type, experimentId: rule.experimentId }, variation: { key: split.variationKey, id: split.variationId } });
        break;
      }
    }
  }
  return result.size > 0 ? result : undefined;
}
