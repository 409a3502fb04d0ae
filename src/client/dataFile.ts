import type { FeatureFlag, ParsedConfig } from '../config/parse.ts';
import type { DataFileFeatureFlag, Variable, Variation } from './types.ts';

/** The `getDataFile()` view of a configuration: flags, their variations and rules' variations. */
export function buildDataFile(config: ParsedConfig, variables: (flag: FeatureFlag, key: string) => Map<string, Variable>): { featureFlags: Map<string, DataFileFeatureFlag> } {
  const featureFlags = new Map<string, DataFileFeatureFlag>();
  for (const flag of config.flags.values()) {
    const variations = new Map<string, Variation>();
    for (const v of flag.variations.values()) {
      variations.set(v.key, { name: v.name, key: v.key, id: null, experimentId: null, variables: variables(flag, v.key) });
    }
    const rules = flag.rules.map((rule) => {
      const ruleVariations = new Map<string, Variation>();
      for (const entry of rule.variationByExposition) {
        const base = variations.get(entry.variationKey);
        if (base) ruleVariations.set(base.key, { ...base, id: entry.variationId, experimentId: rule.experimentId });
      }
      return { variations: ruleVariations };
    });
    featureFlags.set(flag.featureKey, { variations, environmentEnabled: flag.environmentEnabled, rules, defaultVariationKey: flag.defaultVariationKey });
  }
  return { featureFlags };
}
