/** Result and parameter types of the client API. */
import type { ParsedVariable } from '../config/variables.ts';
import type { EvaluationReason } from '../evaluation/evaluate.ts';
import type { KameleoonError } from '../errors.ts';
import type { RequestLike, ResponseLike } from '../visitor/visitorCode.ts';

/** A variable as returned to the application. */
export type Variable = ParsedVariable;

/** The variation a visitor gets for a flag. */
export interface Variation {
  /** Name of the variation in the Kameleoon app ('' when unnamed). */
  name: string;
  key: string;
  /** Variation id; null for the default variation. */
  id: number | null;
  /** Experiment id of the rule that assigned it; null for the default variation. */
  experimentId: number | null;
  /** Variables by key. Shared between calls: treat as read-only. */
  variables: Map<string, Variable>;
}

/** A variation with why the visitor got it; never thrown. */
export interface VariationDetails {
  /** The variation, or null when an error prevented evaluation. */
  variation: Variation | null;
  reason: EvaluationReason | { kind: 'ERROR'; error: KameleoonError };
}

/** `{ visitorCode, featureKey, track? }` */
export interface GetVariationParamsType {
  visitorCode: string;
  featureKey: string;
  track?: boolean;
}

/** Visitor-code lookup on a server: the request to read the cookie from, the response to set it on. */
export interface GetVisitorCodeParamsType {
  request?: RequestLike;
  response?: ResponseLike;
  defaultVisitorCode?: string;
}

/** The per-flag view of `getDataFile()`. */
export interface DataFileFeatureFlag {
  variations: Map<string, Variation>;
  environmentEnabled: boolean;
  rules: { variations: Map<string, Variation> }[];
  defaultVariationKey: string;
}
