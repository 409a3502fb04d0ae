import type { FeatureFlag } from '../config/parse.ts';
import type { Evaluation } from '../evaluation/evaluate.ts';
import type { Variable, Variation } from './types.ts';

/**
 * The variables of each variation as a Map, built once per configuration and shared by every
 * call that returns them (callers must treat the Maps as read-only). Keyed by the parsed flags,
 * so a new configuration's flags start afresh and the old ones' entries go with them.
 */
export class VariablesCache {
  readonly #byFlag = new WeakMap<FeatureFlag, Map<string, Map<string, Variable>>>();

  /** The variables of variation `key` of `flag`. */
  of(flag: FeatureFlag, key: string): Map<string, Variable> {
    let byKey = this.#byFlag.get(flag);
    if (!byKey) this.#byFlag.set(flag, (byKey = new Map()));
    let variables = byKey.get(key);
    if (!variables) {
      variables = new Map((flag.variations.get(key)?.parsed ?? []).map((v) => [v.key, v]));
      byKey.set(key, variables);
    }
    return variables;
  }

  /** The public Variation of an evaluation. */
  variation(flag: FeatureFlag, evaluation: Evaluation): Variation {
    return {
      name: flag.variations.get(evaluation.variationKey)?.name ?? '',
      key: evaluation.variationKey,
      id: evaluation.variationId,
      experimentId: evaluation.experimentId,
      variables: this.of(flag, evaluation.variationKey),
    };
  }
}
