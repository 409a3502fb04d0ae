import type { ConditionJson, SegmentJson } from '../config/types.ts';
import { compileUserRegExp } from '../targeting/regex.ts';
import { BrowserType, DeviceType, OperatingSystemType } from '../visitor/data.ts';
import type { StableIds, YamlValue } from './friendlyNodes.ts';

/**
 * The `segments:` part of the friendly configuration (format in friendlyConfig.ts): each
 * condition is converted to the Kameleoon targeting condition the engine evaluates, with the same
 * fields the Kameleoon app writes.
 */

/** The converted segments, and their ids by name for the rules' `to:`. */
export interface ConvertedSegments {
  segments: SegmentJson[];
  idByName: Map<string, number>;
}

/** Custom data index by name, as declared under `customData:`. */
export type CustomDataIndexes = Map<string, number>;

/**
 * Converts the `segments:` mapping. A segment is a list whose items must all hold; an item is a
 * condition, `not: <condition>`, or `any: [<conditions>]` (at least one holds).
 */
export function convertSegments(value: YamlValue | undefined, customData: CustomDataIndexes, ids: StableIds): ConvertedSegments {
  const segments: SegmentJson[] = [];
  const idByName = new Map<string, number>();
  for (const [name, body] of value?.entries('a mapping of segment names to conditions') ?? []) {
    const items = body.isList ? body.items('a list of conditions') : [body];
    if (items.length === 0) body.fail('a segment needs at least one condition.');
    const firstLevel = items.map((item) => group(item, customData));
    const id = ids.id(`segment:${name}`);
    idByName.set(name, id);
    segments.push({
      id,
      name,
      audienceTracking: false,
      conditionsData: { firstLevelOrOperators: firstLevel.slice(1).map(() => false), firstLevel },
    });
  }
  return { segments, idByName };
}

/** One item of a segment: `any:` becomes a group of OR'ed conditions, anything else a group of one. */
function group(item: YamlValue, customData: CustomDataIndexes): SegmentJson['conditionsData']['firstLevel'][number] {
  if (item.isMap && item.entries('a condition')[0]?.[0] === 'any') {
    const any = item.fields(['any'], 'a condition').any as YamlValue;
    const conditions = any.items('a list of conditions').map((c) => condition(c, customData));
    if (conditions.length === 0) any.fail('`any:` needs at least one condition.');
    return { orOperators: conditions.slice(1).map(() => true), conditions };
  }
  return { orOperators: [], conditions: [condition(item, customData)] };
}

const SUBJECTS = ['customData', 'pageUrl', 'pageTitle', 'visitorCode', 'device', 'browser', 'os', 'sdk', 'not'] as const;
const CUSTOM_DATA_OPERATORS = ['is', 'contains', 'matches', 'startsWith', 'among', 'greaterThan', 'lowerThan', 'between', 'isSet'] as const;
const TEXT_OPERATORS = ['is', 'contains', 'matches', 'startsWith'] as const;
const VERSION_OPERATORS = ['is', 'greaterThan', 'lowerThan'] as const;
/** Text subject → targeting type and the field holding the expected text. */
const TEXT_SUBJECTS = {
  pageUrl: ['PAGE_URL', 'url'],
  pageTitle: ['PAGE_TITLE', 'title'],
  visitorCode: ['VISITOR_CODE', 'visitorCode'],
} as const;

function condition(c: YamlValue, customData: CustomDataIndexes): ConditionJson {
  const subjects = c.entries('a condition, e.g. "device: PHONE"').map(([key]) => key).filter((key) => (SUBJECTS as readonly string[]).includes(key));
  if (subjects.length !== 1) {
    const got = subjects.length ? `, got ${subjects.join(' and ')} (write one list item per condition)` : '';
    c.fail(`a condition needs exactly one of ${SUBJECTS.join(', ')}${got}.`);
  }
  const subject = subjects[0] as (typeof SUBJECTS)[number];
  switch (subject) {
    case 'not': {
      const negated = condition(c.fields(['not'], 'a condition').not as YamlValue, customData);
      return { ...negated, isInclude: negated.isInclude === false };
    }
    case 'customData':
      return customDatum(c, customData);
    case 'pageUrl':
    case 'pageTitle':
    case 'visitorCode': {
      const [targetingType, field] = TEXT_SUBJECTS[subject];
      const [matchType, expected] = textTest(c.fields([subject], 'a condition')[subject] as YamlValue);
      return { targetingType, isInclude: true, matchType, [field]: expected };
    }
    case 'device':
      return { targetingType: 'DEVICE_TYPE', isInclude: true, device: (c.fields(['device'], 'a condition').device as YamlValue).oneOf(Object.values(DeviceType)) };
    case 'os':
      return { targetingType: 'OPERATING_SYSTEM', isInclude: true, os: (c.fields(['os'], 'a condition').os as YamlValue).oneOf(Object.values(OperatingSystemType)) };
    case 'browser': {
      const f = c.fields(['browser', 'version'], 'a condition');
      const browser = (f.browser as YamlValue).oneOf(Object.values(BrowserType));
      if (!f.version) return { targetingType: 'BROWSER', isInclude: true, browser };
      const [versionMatchType, version] = versionTest(f.version, (v) => String(v.number('a browser version number')));
      return { targetingType: 'BROWSER', isInclude: true, browser, version, versionMatchType };
    }
    case 'sdk': {
      const f = c.fields(['sdk', 'version'], 'a condition');
      const sdkLanguage = (f.sdk as YamlValue).string('an SDK type such as JAVASCRIPT or NODEJS');
      if (!/^[A-Z][A-Z_]*$/.test(sdkLanguage)) f.sdk?.fail(`expected an SDK type in capitals such as JAVASCRIPT or NODEJS, got "${sdkLanguage}".`);
      if (!f.version) return { targetingType: 'SDK_LANGUAGE', isInclude: true, sdkLanguage };
      const [versionMatchType, version] = versionTest(f.version, semver);
      return { targetingType: 'SDK_LANGUAGE', isInclude: true, sdkLanguage, version, versionMatchType };
    }
  }
}

/** The one operator key of `fields` among `operators`. */
function operatorOf<K extends string>(c: YamlValue, fields: Partial<Record<K, YamlValue>>, operators: readonly K[]): [K, YamlValue] {
  const present = operators.filter((op) => fields[op] !== undefined);
  if (present.length !== 1) c.fail(`expected exactly one of ${operators.join(', ')}${present.length ? `, got ${present.join(' and ')}` : ''}.`);
  return [present[0], fields[present[0]] as YamlValue];
}

function customDatum(c: YamlValue, customData: CustomDataIndexes): ConditionJson {
  const f = c.fields(['customData', ...CUSTOM_DATA_OPERATORS], 'a custom data condition');
  const name = (f.customData as YamlValue).name('a custom data name');
  const index = customData.get(name);
  if (index === undefined) {
    f.customData?.fail(`unknown custom data "${name}"; declare it under customData: (declared: ${[...customData.keys()].join(', ') || 'none'}).`);
  }
  const base = { targetingType: 'CUSTOM_DATUM', isInclude: true, customDataIndex: String(index) };
  const [op, value] = operatorOf(c, f, CUSTOM_DATA_OPERATORS);
  switch (op) {
    case 'is': {
      const v = value.scalar;
      if (typeof v === 'boolean') return { ...base, valueMatchType: v ? 'TRUE' : 'FALSE', value: null };
      if (typeof v === 'number') return { ...base, valueMatchType: 'EQUAL', value: String(value.number()) };
      return { ...base, valueMatchType: 'EXACT', value: value.string('a text, a number or true/false') };
    }
    case 'contains':
    case 'matches':
    case 'startsWith': {
      const [valueMatchType, expected] = textTest(value, op);
      return { ...base, valueMatchType, value: expected };
    }
    case 'among': {
      const values = value.items('a list of values').map((v) => v.name('a text or a number'));
      return { ...base, valueMatchType: 'AMONG_VALUES', value: JSON.stringify(values) };
    }
    case 'greaterThan':
    case 'lowerThan':
      return { ...base, valueMatchType: op === 'greaterThan' ? 'GREATER' : 'LOWER', value: String(value.number()) };
    case 'between': {
      const bounds = value.items('a list [low, high]').map((v) => v.number());
      if (bounds.length !== 2 || bounds[0] > bounds[1]) value.fail(`expected [low, high] with low <= high, got ${JSON.stringify(bounds)}.`);
      return { ...base, valueMatchType: 'RANGE', value: null, range: bounds };
    }
    case 'isSet':
      // UNDEFINED matches a visitor without the custom data.
      return { ...base, isInclude: !value.boolean(), valueMatchType: 'UNDEFINED', value: null };
  }
}

/**
 * A text test: a plain text means `is`; otherwise a mapping with one of is, contains, matches
 * (a regular expression, checked here) and startsWith (converted to an anchored expression).
 * `op` is given when the operator was already read (custom data conditions).
 */
function textTest(v: YamlValue, op?: (typeof TEXT_OPERATORS)[number]): [string, string] {
  let operator = op ?? 'is';
  let value = v;
  if (!op && v.isMap) [operator, value] = operatorOf(v, v.fields(TEXT_OPERATORS, 'a text or a text test'), TEXT_OPERATORS);
  const text = value.name('a text');
  switch (operator) {
    case 'is':
      return ['EXACT', text];
    case 'contains':
      return ['CONTAINS', text];
    case 'startsWith':
      return ['REGULAR_EXPRESSION', `^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`];
    case 'matches':
      try {
        compileUserRegExp(text); // compiles the pattern as the server engine will
      } catch (err) {
        value.fail(`invalid regular expression ${JSON.stringify(text)} (${(err as Error).cause ?? (err as Error).message}).`);
      }
      return ['REGULAR_EXPRESSION', text];
  }
}

/** A version test: a plain version means `is`; otherwise a mapping with one of is, greaterThan, lowerThan. */
function versionTest(v: YamlValue, read: (v: YamlValue) => string): [string, string] {
  if (!v.isMap) return ['EQUAL', read(v)];
  const [op, value] = operatorOf(v, v.fields(VERSION_OPERATORS, 'a version or a version test'), VERSION_OPERATORS);
  return [op === 'is' ? 'EQUAL' : op === 'greaterThan' ? 'GREATER' : 'LOWER', read(value)];
}

/** An `x.y.z` version (`4`, `4.1` accepted). */
function semver(v: YamlValue): string {
  const version = v.name('a version such as 4.0.0');
  return /^\d+(\.\d+){0,2}$/.test(version) ? version : v.fail(`expected a version such as 4.0.0, got "${version}".`);
}
