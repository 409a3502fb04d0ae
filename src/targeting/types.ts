import type { CookieType } from '../visitor/data.ts';

/** What the SDK says about itself; SDK_LANGUAGE conditions and visit counting read it. */
export interface PackageInfo {
  /** SDK language as Kameleoon names it: JAVASCRIPT, NODEJS, REACT... */
  type: string;
  /** Semantic version compared by SDK_LANGUAGE conditions. */
  version: string;
  /** Servers count the current visit on top of the stored ones; browsers store it. */
  isServer: boolean;
}

/** An assignment stored for a visitor: which variation of an experiment it got. */
export interface StoredVariation {
  variationId: number | null;
  isTargetedRule: boolean;
  /** Whether the assignment still has to be tracked. */
  unsent: boolean;
}

/** Read access to a visitor's assignments, by experiment id. */
export interface AssignmentView {
  get(experimentId: number): StoredVariation | undefined;
  has(experimentId: number): boolean;
  readonly size: number;
  /**
   * When the experiment's assignment was last made (epoch ms, rounded up to the second); 0 when
   * unknown (stored before assignment times were kept, or given without one) or not assigned.
   */
  timeOf(experimentId: number): number;
  /** Every assignment as `[experimentId, time]` (time as in {@link timeOf}), in the order first made. */
  times(): IterableIterator<[experimentId: number, time: number]>;
  /**
   * Where a server's current visit starts (epoch ms): just after the last activity of the latest
   * previous visit the Data API reported; 0 when unknown. Browsers count the current visit in
   * `VisitorData.visits` instead.
   */
  visitStartedAt(): number;
}

/** A page view as targeting sees it. */
export interface PageViewRecord {
  url: string;
  title: string;
  referrers: number[] | undefined;
  /** Epoch ms of each view of this URL, ascending. */
  times: number[];
}

/** A stored conversion. */
export interface ConversionRecord {
  goalId: number;
  revenue: number;
  negative: boolean;
  /** Epoch ms of the conversion (the Data API event's time for remote data); absent when unknown. */
  time?: number;
}

/** Everything known about a visitor, as targeting conditions read it. */
export interface VisitorData {
  /** By index; `local`: added with `addData(..., { track: false })`, never sent (not even with the VISITOR-scope resend). */
  customData: Map<number, { values: string[]; overwrite: boolean; local?: true }>;
  pageViews: Map<string, PageViewRecord>;
  conversions: ConversionRecord[];
  browser?: { browser: string; version: number | undefined };
  device?: string;
  os?: string;
  geolocation?: { country: string; region?: string; city?: string; postalCode?: string; coordinates?: [number, number] };
  cookies?: CookieType[];
  userAgent?: string;
  applicationVersion?: string;
  uniqueIdentifier?: boolean;
  /**
   * Start times of the visitor's visits, ascending and distinct, the latest 26 (the official
   * `VisitsData`): browsers record the current visit here; previous visits come from
   * `getRemoteVisitorData`. Absent when nothing is known.
   */
  visits?: number[];
  /**
   * The visit number browsers report (`staticData` lines), when known: it keeps counting past
   * 26 visits, and the Data API may know of more visits than it returns.
   */
  visitNumber?: number;
  /** Kameleoon Conversion Scores: keyMomentId → goalId → score. */
  kcs?: Record<string, Record<string, number>>;
  /** Personalizations the visitor saw: id → epoch ms when seen (0 when unknown). */
  personalizations?: Map<number, number>;
  /** Contextual-bandit scores: experimentId → variation-id groups, best first. */
  cbScores?: Map<number, number[][]>;
}

/** A rule as TARGET_FEATURE_FLAG conditions see it. */
export interface MappedRule {
  featureId: number;
  experimentId: number;
  variations: Map<string, number>;
}

/** Configuration-wide lookups conditions need. */
export interface TargetingTables {
  /** Compiled segments by id (as a string). */
  segments: Map<string, CompiledSegment>;
  /** Rules by rule id, in configuration order. */
  ruleMap: Map<number, MappedRule>;
}

/** The input of one targeting evaluation. */
export interface TargetingContext {
  visitorCode: string;
  data: VisitorData | undefined;
  variations: AssignmentView;
  /** The experiment of the rule being targeted; null for audience evaluation. */
  experimentId: number | null;
  sdk: PackageInfo;
  now: number;
  tables: TargetingTables;
  /** Cookies of the page (browser only). */
  documentCookies: () => CookieType[];
  /** Whether SEGMENT / TARGET_FEATURE_FLAG conditions may look up the tables (see tree.ts). */
  segmentsAvailable: boolean;
  ruleMapAvailable: boolean;
  /** Nesting depth of SEGMENT conditions, against self-referencing segments. */
  depth: number;
}

/** A compiled condition. Throws a TargetingError when the condition's own data is malformed. */
export type ConditionFn = (ctx: TargetingContext) => boolean;

/** A compiled segment. */
export interface CompiledSegment {
  id: string;
  audienceTracking: boolean;
  /** Targeting types present at the top level of this segment. */
  types: Set<string>;
  /** True when the segment targets everyone (no conditions). */
  empty: boolean;
  evaluate: ConditionFn;
}
