/** What `getRemoteVisitorData` may ask the Data API for, with the official defaults and bounds. */
import { InvalidArgument, KameleoonError, KameleoonException } from '../errors.ts';
import { describeValue } from '../visitor/data.ts';
import { msg } from '../logging/msg.ts';

/**
 * What `getRemoteVisitorData` asks the Data API for (the official `VisitorDataFiltersType`).
 * A filters object replaces the official defaults (one previous visit, the current visit, custom
 * data and the mapped visitor code) as a whole, as in the official SDK: an option left out of a
 * given object is off, except `previousVisitAmount` (1).
 */
export interface RemoteVisitorDataFiltersType {
  /** Number of previous visits to retrieve, 1 to 25. Default 1. */
  previousVisitAmount?: number;
  /** Retrieve the current visit. */
  currentVisit?: boolean;
  /** Retrieve custom data. */
  customData?: boolean;
  /** Retrieve page views. */
  pageViews?: boolean;
  /** Retrieve geolocation. */
  geolocation?: boolean;
  /** Retrieve the device type. */
  device?: boolean;
  /** Retrieve the browser. */
  browser?: boolean;
  /** Retrieve the operating system. */
  operatingSystem?: boolean;
  /** Retrieve conversions. */
  conversions?: boolean;
  /** Retrieve experiment assignments. */
  experiments?: boolean;
  /** Retrieve Kameleoon Conversion Scores. */
  kcs?: boolean;
  /** Retrieve the visitor code a unique identifier is mapped to (requests custom data). */
  visitorCode?: boolean;
  /** Retrieve personalizations. */
  personalization?: boolean;
  /** Retrieve contextual-bandit scores. */
  cbs?: boolean;
}

/** The official defaults, used when no filters object is given. */
export const DEFAULT_VISITOR_DATA_FILTERS: Readonly<RemoteVisitorDataFiltersType> = Object.freeze({
  previousVisitAmount: 1,
  currentVisit: true,
  customData: true,
  pageViews: false,
  geolocation: false,
  device: false,
  browser: false,
  operatingSystem: false,
  conversions: false,
  experiments: false,
  kcs: false,
  visitorCode: true,
  personalization: false,
});

/** Bounds of `previousVisitAmount`. */
export const MIN_PREVIOUS_VISITS = 1;
export const MAX_PREVIOUS_VISITS = 25;

/**
 * Checks `filters.previousVisitAmount` (when given) is an integer from 1 to 25. The client checks
 * the user's filters with it once, before anything else; the URL and the request take them as they are.
 * @throws KameleoonError of type `VisitAmount` (the official type) otherwise
 */
export function validateVisitorDataFilters(filters: RemoteVisitorDataFiltersType): void {
  if (filters == null || typeof filters !== 'object') {
    throw new InvalidArgument(msg`getRemoteVisitorData(): filters must be an object.`);
  }
  const amount = filters.previousVisitAmount;
  if (amount === undefined) return;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < MIN_PREVIOUS_VISITS || amount > MAX_PREVIOUS_VISITS) {
    throw new KameleoonError(
      KameleoonException.VisitAmount,
      msg`getRemoteVisitorData(): filters.previousVisitAmount must be an integer from ${MIN_PREVIOUS_VISITS} to ${MAX_PREVIOUS_VISITS}, got ${describeValue(amount)}.`,
    );
  }
}
