/** Result and parameter types of the client API. */
import type { EvaluationReason } from '../evaluation/evaluate.ts';
import type { KameleoonError } from '../errors.ts';
import type { RequestLike, ResponseLike } from '../visitor/visitorCode.ts';
import type { Variable } from '../config/variables.ts';
export type { Variable };

/** The variation a visitor gets for a flag. */
export interface Variation {
  /** Name of the variation in the Kameleoon app ('' when unnamed). */
  name: string;
  /** Key of the variation (e.g. `off`, `on`); the flag's default variation key when no rule assigned one. */
  key: string;
  /** Variation id; null for the default variation (and for an assignment without one). */
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
  /**
   * Why the visitor got it (see {@link EvaluationReason}), or `{ kind: 'ERROR', error }` with the
   * error `getVariation` would have thrown (any other error is wrapped in an `InvalidArgument`).
   */
  reason: EvaluationReason | { kind: 'ERROR'; error: KameleoonError };
}

/** `{ visitorCode, featureKey, track? }` */
export interface GetVariationParamsType {
  /** The visitor's code, 1 to 255 characters. */
  visitorCode: string;
  /** Key of the feature flag (non-empty). */
  featureKey: string;
  /** Whether to track the exposure (sent on a later tracking tick, see `flush`). Default true. */
  track?: boolean;
}

/** Visitor-code lookup on a server: the request to read the cookie from, the response to set it on. */
export interface GetVisitorCodeParamsType {
  /**
   * The request whose `kameleoonVisitorCode` cookie is read (Node's IncomingMessage, a Fetch
   * `Request`, or `Headers`). Without it the platform's cookie manager is read: the page's
   * cookies in a browser, none on Node.js (so, without `defaultVisitorCode`, a new code each call).
   */
  request?: RequestLike;
  /**
   * The response the cookie is set on (a `Set-Cookie` header). Without it the platform's cookie
   * manager writes it: `document.cookie` in a browser, nowhere on Node.js.
   */
  response?: ResponseLike;
  /** The code to use when the cookie holds none; 1 to 255 characters, checked even when the cookie has a code. */
  defaultVisitorCode?: string;
}

/** The per-flag view of `getDataFile()`. */
export interface DataFileFeatureFlag {
  /** Every variation of the flag by key, with its name and variables (`id` and `experimentId` null). */
  variations: Map<string, Variation>;
  /** Whether the flag is enabled in the client's environment. */
  environmentEnabled: boolean;
  /** The flag's rules in configuration order, each with the variations it can assign by key (`id` and `experimentId` set). */
  rules: { variations: Map<string, Variation> }[];
  /** Key of the variation visitors get when no rule assigns one. */
  defaultVariationKey: string;
}
