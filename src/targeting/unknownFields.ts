import type { ConditionJson, ConfigurationJson } from '../config/types.ts';
import { msg } from '../logging/msg.ts';

/**
 * The check of a configuration's targeting conditions for fields this SDK does not read, loaded
 * when a configuration is installed (a diagnostic: its bytes stay out of the bundle a page loads
 * up front).
 */

/** Fields every condition may carry: read by the tree (`targetingType`, `isInclude`) or harmless (`id`, `weight`). */
const COMMON_FIELDS = ['targetingType', 'isInclude', 'id', 'weight'];
const SCOPE_FIELDS = ['visitScope', 'visitCount'];

/** The fields each evaluated type reads (the factories of conditions.ts), apart from {@link COMMON_FIELDS}: keep them in step. */
const KNOWN_FIELDS: Record<string, string[]> = {
  CUSTOM_DATUM: ['customDataIndex', 'valueMatchType', 'value', 'range'],
  PAGE_URL: ['url', 'matchType'],
  PAGE_TITLE: ['title', 'matchType'],
  PREVIOUS_PAGE: ['url', 'matchType'],
  VISITOR_CODE: ['visitorCode', 'matchType'],
  PAGE_VIEWS: ['pageCount', 'matchType'],
  DEVICE_TYPE: ['device'],
  OPERATING_SYSTEM: ['os'],
  BROWSER: ['browser', 'version', 'versionMatchType'],
  GEOLOCATION: ['country', 'region', 'city'],
  CONVERSIONS: ['goalId', ...SCOPE_FIELDS],
  SDK_LANGUAGE: ['sdkLanguage', 'version', 'versionMatchType'],
  APPLICATION_VERSION: ['version', 'versionMatchType'],
  COOKIE: ['name', 'nameMatchType', 'value', 'valueMatchType'],
  SEGMENT: ['segmentId'],
  TARGET_FEATURE_FLAG: ['featureFlagId', 'variationKey', 'ruleId', ...SCOPE_FIELDS],
  TARGET_EXPERIMENT: ['experiment', 'variation', 'experimentId', 'variationId', 'variationMatchType', ...SCOPE_FIELDS],
  TARGET_PERSONALIZATION: ['personalizationId', ...SCOPE_FIELDS],
  EXCLUSIVE_EXPERIMENT: ['campaignType', ...SCOPE_FIELDS],
  FIRST_VISIT: ['matchType', 'count', 'unitOfTime'],
  LAST_VISIT: ['matchType', 'count', 'unitOfTime'],
  VISITS: ['visitCount', 'matchType'],
  SAME_DAY_VISITS: ['visitCount', 'matchType'],
  NEW_VISITORS: ['visitorType'],
  HEAT_SLICE: ['keyMomentId', 'goalId', 'lowerBound', 'upperBound'],
};

/**
 * The fields of an evaluated condition that its evaluation does not read, as `TYPE.field`: a
 * newer configuration may give a condition a setting this SDK would ignore, deciding otherwise
 * than the Kameleoon app says. Conditions of a type the SDK does not evaluate count as true
 * anyway: their fields are not listed.
 */
export function unknownFields(c: ConditionJson): string[] {
  const known = Object.hasOwn(KNOWN_FIELDS, c.targetingType) ? KNOWN_FIELDS[c.targetingType] : undefined;
  if (!known) return [];
  return Object.keys(c).filter((field) => !known.includes(field) && !COMMON_FIELDS.includes(field)).map((field) => `${c.targetingType}.${field}`);
}

/**
 * The fields of the configuration's conditions (top-level segments and the older inline ones)
 * this SDK does not read, as `TYPE.field`, sorted: such a condition may decide otherwise than the
 * Kameleoon app means.
 */
export function unknownConditionFields(raw: ConfigurationJson): string[] {
  const found = new Set<string>();
  const doc = raw as { segments?: unknown; featureFlags?: { rules?: { segment?: unknown }[] }[] };
  const segments = [...(Array.isArray(doc.segments) ? doc.segments : []), ...(doc.featureFlags ?? []).flatMap((f) => (f.rules ?? []).map((r) => r.segment))];
  for (const segment of segments) {
    const groups = (segment as { conditionsData?: { firstLevel?: { conditions?: ConditionJson[] }[] } } | null)?.conditionsData?.firstLevel;
    for (const group of Array.isArray(groups) ? groups : []) for (const c of group?.conditions ?? []) for (const field of unknownFields(c)) found.add(field);
  }
  return [...found].sort();
}

/** Warns once per field (per logger, so per client) about the configuration's {@link unknownConditionFields}. */
export function warnUnknownConditionFields(raw: ConfigurationJson, logger: { warnOnce(reason: string, message: string): void }): void {
  for (const field of unknownConditionFields(raw)) {
    logger.warnOnce(
      `conditionField:${field}`,
      msg`The configuration has targeting conditions with the field "${field}", which this SDK version does not read: those conditions may decide otherwise than the Kameleoon app says. Update the SDK.`,
    );
  }
}
