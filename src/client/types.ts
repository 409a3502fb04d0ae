/** Result and parameter types of the client API. */
import type { EvaluationReason } from '../evaluation/evaluate.ts';
import type { KameleoonError } from '../errors.ts';
import type { NextCookies, RequestLike, ResponseLike } from '../visitor/visitorCode.ts';
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
   * `Request`, or `Headers`). Without it (and without `cookies`) the platform's cookie manager is
   * read: the page's cookies in a browser; on a server, that is an error unless
   * `externals.visitorCodeManager` or `defaultVisitorCode` is given (each call would make a new visitor).
   */
  request?: RequestLike;
  /**
   * The response the cookie is set on (a `Set-Cookie` header). Without it the platform's cookie
   * manager writes it: `document.cookie` in a browser, nowhere on Node.js.
   */
  response?: ResponseLike;
  /**
   * Next.js (the official Node SDK's form): the `cookies` function of `next/headers`, or its
   * awaited store (`await cookies()`, needed from Next.js 16). The cookie is read from it and, when
   * the code is new, set on it: route handlers, server actions and middleware can; a Server
   * Component cannot (the SDK then warns once, and the code is not kept: set the cookie in
   * middleware with `ensureVisitorCodeCookie`).
   */
  cookies?: NextCookies;
  /** The code to use when the cookie holds none; 1 to 255 characters, checked even when the cookie has a code. */
  defaultVisitorCode?: string;
}

/** Options of `addData`, given after the data. */
export interface AddDataOptionsType {
  /** False keeps the data for targeting only: it is never sent. Default true. */
  track?: boolean;
}

/** The official Node SDK's parameters of `setLegalConsent`. */
export interface SetLegalConsentParamsType {
  /** The visitor's code, 1 to 255 characters. */
  visitorCode: string;
  /** Whether the visitor consents. */
  consent: boolean;
  /** On a Node or Fetch server: the response the visitor-code cookie is set on when consent is given. */
  response?: ResponseLike;
  /** In Next.js: the `cookies` of `next/headers` (or its awaited store) the cookie is set on. */
  cookies?: NextCookies;
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
