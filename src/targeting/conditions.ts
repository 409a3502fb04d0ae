import { KameleoonException, TargetingError } from '../errors.ts';
import type { ConditionJson } from '../config/types.ts';
import type { ConditionFn, PageViewRecord, TargetingContext } from './types.ts';
import { compareVersions } from './matchers.ts';
import { CORE_CONDITIONS, str, textCondition, type ConditionTable } from './coreConditions.ts';
import { inScope, scopeThreshold, visitScopeOf } from './visitScope.ts';
import { msg } from '../logging/msg.ts';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Compares `actual` with `expected` for the EQUAL/GREATER/LOWER match types. */
function compareCount(matchType: unknown, actual: number, expected: unknown): boolean {
  if (!matchType || typeof expected !== 'number') return false;
  if (matchType === 'EQUAL') return actual === expected;
  if (matchType === 'GREATER') return actual > expected;
  if (matchType === 'LOWER') return actual < expected;
  return false;
}

/** The page view whose last timestamp is greatest (later entries win ties). */
function latestPage(pages: Map<string, PageViewRecord>): PageViewRecord | undefined {
  let latest: PageViewRecord | undefined;
  for (const page of pages.values()) {
    if (!latest || !(last(latest.times) > last(page.times))) latest = page;
  }
  return latest;
}

/** The page view before the latest one, by last timestamp, as the official engine picks it. */
function secondLatestPage(pages: Map<string, PageViewRecord>): PageViewRecord | undefined {
  if (pages.size < 2) return undefined;
  let latest: PageViewRecord | undefined;
  let second: PageViewRecord | undefined;
  for (const page of pages.values()) {
    const t = last(page.times);
    if (!latest) {
      latest = page;
    } else if (t > last(latest.times)) {
      second = latest;
      latest = page;
    } else if (t > (second ? last(second.times) : 0)) {
      second = page;
    }
  }
  return second;
}

const last = (times: number[]): number => times[times.length - 1];

const MS_PER_UNIT: Record<string, number> = {
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 604_800_000,
  MONTH: 2_592_000_000,
};

/** FIRST_VISIT and LAST_VISIT: time elapsed since a previous visit, in `unitOfTime`. */
function visitAge(c: ConditionJson, pick: (visits: number[], isServer: boolean) => number): ConditionFn {
  const { matchType, count, unitOfTime } = c;
  return (ctx) => {
    const visits = ctx.data?.visits;
    if (!visits || (ctx.sdk.isServer ? visits.length === 0 : visits.length < 2)) return false;
    if (!matchType || typeof count !== 'number' || !unitOfTime) return false;
    const elapsed = (ctx.now - pick(visits, ctx.sdk.isServer)) / (MS_PER_UNIT[String(unitOfTime)] ?? NaN);
    if (matchType === 'GREATER') return elapsed > count;
    if (matchType === 'LOWER') return elapsed < count;
    return false;
  };
}

function browser(c: ConditionJson): ConditionFn {
  const { browser: expectedBrowser, version, versionMatchType } = c;
  return (ctx) => {
    const data = ctx.data?.browser;
    if (!data || typeof expectedBrowser !== 'string') return false;
    if (!version) return data.browser === expectedBrowser;
    if (!versionMatchType || typeof data.version !== 'number') return false;
    const parsed = parseFloat(String(version));
    if (Number.isNaN(parsed)) {
      throw new TargetingError(KameleoonException.VersionParse, msg`BROWSER condition version "${String(version)}" is not a number.`);
    }
    if (data.browser !== expectedBrowser) return false;
    return compareCount(versionMatchType, data.version, parsed);
  };
}

function targetFeatureFlag(c: ConditionJson): ConditionFn {
  const featureId = c.featureFlagId;
  const ruleId = c.ruleId;
  const variationKey = c.variationKey;
  const scope = visitScopeOf(c, 'CURRENT_VISIT');
  return (ctx) => {
    const { tables, ruleMapAvailable, variations } = ctx;
    if (!featureId || !ruleMapAvailable) return false;
    const threshold = scope ? scopeThreshold(scope, ctx) : 0;
    // An assignment made before the visit scope counts as none.
    const assigned = (experimentId: number) => (threshold && !inScope(variations.timeOf(experimentId), threshold) ? undefined : variations.get(experimentId)?.variationId);
    if (ruleId) {
      const rule = tables.ruleMap.get(ruleId as number);
      if (!rule) return false;
      if (variationKey) {
        const variationId = rule.variations.get(variationKey as string);
        return Boolean(variationId) && assigned(rule.experimentId) === variationId;
      }
      return Boolean(assigned(rule.experimentId));
    }
    for (const rule of tables.ruleMap.values()) {
      if (rule.featureId !== featureId) continue;
      if (!variationKey) {
        if (typeof assigned(rule.experimentId) === 'number') return true;
      } else if (rule.variations.has(variationKey as string)) {
        const variationId = rule.variations.get(variationKey as string);
        return Boolean(variationId) && assigned(rule.experimentId) === variationId;
      }
    }
    return false;
  };
}

/** Whether the visitor has an assignment in scope (from `threshold`) to another experiment than `experimentId`. */
function otherAssignment(ctx: TargetingContext, threshold: number): boolean {
  for (const [id, time] of ctx.variations.times()) if (id !== ctx.experimentId && inScope(time, threshold)) return true;
  return false;
}

function hasPersonalization(data: TargetingContext['data'], threshold: number): boolean {
  if (!threshold) return Boolean(data?.personalizations?.size);
  for (const time of data?.personalizations?.values() ?? []) if (inScope(time, threshold)) return true;
  return false;
}

function exclusiveExperiment(c: ConditionJson): ConditionFn {
  const campaignType = c.campaignType;
  const scope = visitScopeOf(c, 'VISITOR');
  return (ctx) => {
    const { variations, experimentId, data } = ctx;
    const threshold = scope ? scopeThreshold(scope, ctx) : 0;
    let noExperiments: boolean;
    if (threshold) {
      noExperiments = !otherAssignment(ctx, threshold);
    } else {
      const onlyThisOne = variations.size === 1 && experimentId !== null && variations.has(experimentId);
      noExperiments = variations.size === 0 || onlyThisOne;
    }
    const noPersonalizations = !hasPersonalization(data, threshold);
    if (campaignType === 'EXPERIMENT') return noExperiments;
    if (campaignType === 'PERSONALIZATION') return noPersonalizations;
    if (campaignType === 'ANY') return noPersonalizations && noExperiments;
    return false;
  };
}

function semverCondition(c: ConditionJson, actual: (ctx: TargetingContext) => string | undefined): ConditionFn {
  const version = c.version;
  const matchType = c.versionMatchType;
  return (ctx) => {
    const value = actual(ctx);
    if (!value || !version || !matchType) return false;
    return compareVersions(value, String(version), matchType);
  };
}

/** Every condition type the engine evaluates: the full client's table. */
export const CONDITIONS: ConditionTable = {
  ...CORE_CONDITIONS,
  PAGE_URL: textCondition('url', (ctx) => (ctx.data?.pageViews.size ? latestPage(ctx.data.pageViews)?.url : undefined)),
  PAGE_TITLE: textCondition('title', (ctx) => (ctx.data?.pageViews.size ? latestPage(ctx.data.pageViews)?.title : undefined)),
  PREVIOUS_PAGE: textCondition('url', (ctx) => (ctx.data ? secondLatestPage(ctx.data.pageViews)?.url : undefined)),
  PAGE_VIEWS: (c) => (ctx) => {
    if (!ctx.data?.pageViews.size) return false;
    let views = 0;
    for (const page of ctx.data.pageViews.values()) views += page.times.length;
    return compareCount(c.matchType, views, c.pageCount);
  },
  DEVICE_TYPE: (c) => (ctx) => ctx.data?.device !== undefined && ctx.data.device === c.device,
  OPERATING_SYSTEM: (c) => (ctx) => ctx.data?.os !== undefined && ctx.data.os === c.os,
  BROWSER: browser,
  GEOLOCATION: (c) => (ctx) => {
    const geo = ctx.data?.geolocation;
    const country = str(c.country);
    if (!geo || !country || !geo.country) return false;
    const same = (expected: unknown, actual: string | undefined) =>
      !expected || actual?.toLowerCase() === String(expected).toLowerCase();
    return geo.country.toLowerCase() === country.toLowerCase() && same(c.region, geo.region) && same(c.city, geo.city);
  },
  CONVERSIONS: (c) => {
    const scope = visitScopeOf(c, 'VISITOR');
    return (ctx) => {
      const goalId = c.goalId;
      const conversions = ctx.data?.conversions;
      if (!goalId || !conversions) return false;
      const threshold = scope ? scopeThreshold(scope, ctx) : 0;
      if (threshold) return conversions.some((conv) => (goalId === -1 || conv.goalId === goalId) && inScope(conv.time, threshold));
      if (goalId === -1 && conversions.length > 0) return true;
      return conversions.some((conv) => conv.goalId === goalId);
    };
  },
  APPLICATION_VERSION: (c) => semverCondition(c, (ctx) => ctx.data?.applicationVersion),
  TARGET_FEATURE_FLAG: targetFeatureFlag,
  TARGET_EXPERIMENT: (c) => {
    // The official JavaScript SDK 4.17.1 reads experiment/variation, Go and PHP experimentId/variationId.
    const experiment = ((c.experimentId ?? c.experiment) as number) || -1;
    const variation = ((c.variationId ?? c.variation) as number) || -1;
    const scope = visitScopeOf(c, 'CURRENT_VISIT');
    return (ctx) => {
      const { variations } = ctx;
      const assigned = variations.get(experiment);
      if (!assigned) return false;
      if (scope && !inScope(variations.timeOf(experiment), scopeThreshold(scope, ctx))) return false;
      if (c.variationMatchType === 'ANY') return true;
      if (c.variationMatchType === 'EXACT') return assigned.variationId === variation;
      return false;
    };
  },
  TARGET_PERSONALIZATION: (c) => {
    const scope = visitScopeOf(c, 'CURRENT_VISIT');
    return (ctx) => {
      const id = num(c.personalizationId);
      if (!ctx.data || !id || !ctx.data.personalizations?.has(id)) return false;
      return !scope || inScope(ctx.data.personalizations.get(id), scopeThreshold(scope, ctx));
    };
  },
  EXCLUSIVE_EXPERIMENT: exclusiveExperiment,
  FIRST_VISIT: (c) => visitAge(c, (visits) => visits[0]),
  LAST_VISIT: (c) => visitAge(c, (visits, isServer) => visits[visits.length - (isServer ? 1 : 2)]),
  VISITS: (c) => (ctx) => {
    const visits = ctx.data?.visits;
    if (!visits) return false;
    return compareCount(c.matchType, visits.length + (ctx.sdk.isServer ? 1 : 0), c.visitCount);
  },
  SAME_DAY_VISITS: (c) => (ctx) => {
    const visits = ctx.data?.visits;
    if (!visits) return false;
    const midnight = new Date(ctx.now).setHours(0, 0, 0, 0);
    let today = ctx.sdk.isServer ? 1 : 0;
    for (const start of visits) if (start >= midnight) today++;
    return compareCount(c.matchType, today, c.visitCount);
  },
  NEW_VISITORS: (c) => (ctx) => {
    const visits = ctx.data?.visits;
    if (!visits || !c.visitorType) return false;
    const isNew = ctx.sdk.isServer ? visits.length === 0 : visits.length <= 1;
    if (c.visitorType === 'NEW') return isNew;
    if (c.visitorType === 'RETURNING') return !isNew;
    return false;
  },
  HEAT_SLICE: (c) => (ctx) => {
    const { keyMomentId, goalId, lowerBound, upperBound } = c;
    const kcs = ctx.data?.kcs;
    if (typeof keyMomentId !== 'number' || typeof goalId !== 'number' || typeof lowerBound !== 'number' || typeof upperBound !== 'number' || !kcs) {
      return false;
    }
    const score = kcs[String(keyMomentId)]?.[String(goalId)];
    return typeof score === 'number' && score >= lowerBound && score <= upperBound;
  },
};
