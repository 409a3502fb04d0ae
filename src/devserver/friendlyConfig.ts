import { parseConfiguration } from '../config/parse.ts';
import type { ConfigurationJson, CustomDataJson, FeatureFlagJson, RuleJson, VariableJson, VariationByExpositionJson } from '../config/types.ts';
import { VariableType } from '../config/variables.ts';
import { ConfigurationError } from '../errors.ts';
import { StableIds, parseYaml, type YamlValue } from './friendlyNodes.ts';
import { convertSegments, type CustomDataIndexes } from './friendlySegments.ts';

/**
 * The dev server's YAML format of feature flags ("Flags in YAML" in the README, which users read:
 * keep the two in step), converted to Kameleoon's configuration JSON.
 */
const TOP_LEVEL = ['realTimeUpdate', 'consent', 'holdout', 'customData', 'segments', 'goals', 'flags'] as const;
const VARIABLE_TYPES = Object.values(VariableType);

/**
 * Converts the dev server's YAML format of feature flags (README, "Flags in YAML") into Kameleoon's
 * configuration JSON, validated by the engine's own parser.
 * @param text - the YAML text
 * @param file - named in error messages
 * @throws `ConfigurationError` (exported by `kameleoon-ts`) for malformed YAML or an invalid
 * value, naming the file, the line and the path of the value (e.g.
 * `flags.new_checkout.rules[1].experiment`)
 */
export function convertFriendlyConfig(text: string, file?: string): ConfigurationJson {
  return convertFriendlyDocument(text, file).configuration;
}

/** A configuration file, read: the configuration, and the goal names the YAML format gives. */
export interface LoadedConfiguration {
  configuration: ConfigurationJson;
  /** Goal name by goal id (as text), from `goals:`; none in a Kameleoon JSON file. */
  goalNames: Record<string, string>;
}

/**
 * {@link convertFriendlyConfig}, with the goal names of `goals:` (which the configuration JSON
 * does not carry: the dev server names conversions with them).
 * @throws `ConfigurationError`, as convertFriendlyConfig
 */
export function convertFriendlyDocument(text: string, file?: string): LoadedConfiguration {
  const root = parseYaml(text, file);
  if (root.isNull) root.fail('the file is empty; it needs at least a `flags:` mapping.');
  const top = root.fields(TOP_LEVEL, 'a mapping with flags:, segments:, customData:...');
  if (!top.flags) return root.fail('missing `flags:`, the mapping of feature flag keys to their definitions.');
  const ids = new StableIds();
  const customData = convertCustomData(top.customData);
  const indexes: CustomDataIndexes = new Map(customData.map((cd) => [cd.name as string, cd.index]));
  const { segments, idByName } = convertSegments(top.segments, indexes, ids);
  const featureFlags = top.flags.entries('a mapping of feature flag keys to their definitions').map(([key, flag]) => convertFlag(key, flag, idByName, ids));
  const json: ConfigurationJson = {
    configuration: {
      realTimeUpdate: top.realTimeUpdate ? top.realTimeUpdate.boolean() : true,
      consentType: top.consent?.oneOf(['notRequired', 'required']) === 'required' ? 'REQUIRED' : 'NOT_REQUIRED',
      consentOptOutBehavior: 'PARTIALLY_BLOCK',
    },
    customData,
    segments,
    featureFlags,
    holdout: top.holdout ? convertHoldout(top.holdout.percent(), ids) : null,
  };
  parseConfiguration(json);
  return { configuration: json, goalNames: convertGoals(top.goals) };
}

/** `goals: { purchase: 1, add_to_cart: 2 }`: the names of goal ids, for the dev server's page. */
function convertGoals(value: YamlValue | undefined): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [name, id] of value?.entries('a mapping of goal names to goal ids') ?? []) {
    const goalId = id.number('a goal id (a positive integer)');
    if (!Number.isInteger(goalId) || goalId <= 0) id.fail(`expected a goal id (a positive integer), got ${goalId}.`);
    if (names[goalId] !== undefined) id.fail(`goal id ${goalId} is already the id of goal "${names[goalId]}".`);
    names[goalId] = name;
  }
  return names;
}

/** Whether `text` is in the YAML format rather than Kameleoon JSON (which starts with `{`). */
export function isFriendlyConfig(text: string): boolean {
  return !text.replace(/^\uFEFF/, '').trimStart().startsWith('{');
}

/**
 * Reads a configuration file's text in either format: Kameleoon JSON, returned as parsed after
 * the engine's validation, or the YAML format, converted.
 * @param file - named in error messages
 * @throws `ConfigurationError` (exported by `kameleoon-ts`) when the text is not a valid configuration
 */
export function loadConfigurationText(text: string, file?: string): ConfigurationJson {
  return loadConfigurationDocument(text, file).configuration;
}

/**
 * {@link loadConfigurationText}, with the goal names of the YAML format's `goals:`.
 * @throws `ConfigurationError` (exported by `kameleoon-ts`) when the text is not a valid configuration
 */
export function loadConfigurationDocument(text: string, file?: string): LoadedConfiguration {
  if (isFriendlyConfig(text)) return convertFriendlyDocument(text, file);
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigurationError(`${file ? `"${file}": ` : ''}Invalid configuration: not JSON (${(err as Error).message}).`, err);
  }
  try {
    parseConfiguration(doc);
  } catch (err) {
    if (file === undefined) throw err;
    throw new ConfigurationError(`"${file}": ${(err as Error).message}`, err);
  }
  return { configuration: doc as ConfigurationJson, goalNames: {} };
}

function convertCustomData(value: YamlValue | undefined): CustomDataJson[] {
  const result: CustomDataJson[] = [];
  for (const [position, item] of (value?.items('a list of custom data names or definitions') ?? []).entries()) {
    const f = item.isMap ? item.fields(['name', 'index', 'scope', 'localOnly', 'mappingIdentifier'], 'a custom data definition') : { name: item };
    if (!f.name) return item.fail('a custom data definition needs a `name:`.');
    const name = f.name.name('a custom data name');
    const index = f.index ? f.index.number('an index (integer, 0 or more)') : position;
    if (!Number.isInteger(index) || index < 0) f.index?.fail(`expected an index (integer, 0 or more), got ${index}.`);
    const clash = result.find((cd) => cd.name === name || cd.index === index);
    if (clash) item.fail(clash.name === name ? `custom data "${name}" is declared twice.` : `index ${index} is already used by custom data "${clash.name}".`);
    const isMappingIdentifier = f.mappingIdentifier?.boolean() ?? false;
    if (isMappingIdentifier && result.some((cd) => cd.isMappingIdentifier)) f.mappingIdentifier?.fail('only one custom data can be the mapping identifier.');
    // The SDKs read "no mapping identifier" from index 0 (official behaviour).
    if (isMappingIdentifier && index === 0) f.mappingIdentifier?.fail('the mapping identifier cannot have index 0, where SDKs ignore it: declare another custom data before it, or give it an `index:`.');
    result.push({
      index,
      name,
      localOnly: f.localOnly?.boolean() ?? false,
      isMappingIdentifier,
      scope: f.scope?.oneOf(['VISITOR', 'VISIT']) ?? 'VISITOR',
    });
  }
  return result;
}

function convertFlag(key: string, flag: YamlValue, segmentIds: Map<string, number>, ids: StableIds): FeatureFlagJson {
  const id = ids.id(`flag:${key}`);
  const f = flag.isNull ? {} : flag.fields(['enabled', 'default', 'variations', 'rules'], 'a feature flag definition');
  const variations = f.variations ? f.variations.entries('a mapping of variation keys to their definitions').map(([k, v]) => convertVariation(k, v)) : [{ key: 'off', name: 'off', variables: [] }, { key: 'on', name: 'on', variables: [] }];
  const keys = variations.map((v) => v.key);
  const defaultKey = f.default ? f.default.name('a variation key') : 'off';
  if (!keys.includes(defaultKey)) (f.default ?? flag).fail(`the default variation "${defaultKey}" is not among the variations (${keys.join(', ')}); add it under variations: or set default: to one of them.`);
  const names = new Set<string>();
  const rules = (f.rules?.items('a list of rules') ?? []).map((rule, position) => {
    const r = rule.fields(['deliver', 'experiment', 'to', 'traffic', 'name', 'respoolTime'], 'a rule (deliver: or experiment:)');
    const name = r.name?.name('a rule name');
    if (name !== undefined && names.has(name)) r.name?.fail(`another rule of this flag is named "${name}"; rule names must be unique within a flag.`);
    if (name !== undefined) names.add(name);
    const ruleKey = `${key}:${name === undefined ? `#${position}` : `name:${name}`}`;
    return convertRule(rule, r, ruleKey, keys, segmentIds, ids, position);
  });
  return {
    id,
    featureKey: key,
    environmentEnabled: f.enabled ? f.enabled.boolean() : true,
    defaultVariationKey: defaultKey,
    mutuallyExclusiveGroup: null,
    bucketingCustomDataId: null,
    variations,
    rules,
  };
}

function convertVariation(key: string, v: YamlValue): FeatureFlagJson['variations'][number] {
  const f = v.isNull ? {} : v.fields(['name', 'variables'], 'a variation definition (name:, variables:) or {}');
  const variables = (f.variables?.entries('a mapping of variable names to values') ?? []).map(([name, value]) => convertVariable(name, value));
  return { key, name: f.name ? f.name.string('a variation name') : key, variables };
}

/** A variable: a plain text, number or boolean, or `{ type, value }`. */
function convertVariable(key: string, v: YamlValue): VariableJson {
  const plain = v.scalar;
  if (typeof plain === 'string') return { key, type: 'STRING', value: plain };
  if (typeof plain === 'number') return { key, type: 'NUMBER', value: v.number() };
  if (typeof plain === 'boolean') return { key, type: 'BOOLEAN', value: plain };
  if (!v.isMap) v.fail(`expected a text, a number, true/false or { type, value }, got ${v.describe()}.`);
  const f = v.fields(['type', 'value'], 'a variable { type, value }');
  if (!f.type || !f.value) v.fail('a typed variable needs both `type:` and `value:`, e.g. { type: JSON, value: { a: 1 } }.');
  const type = f.type.oneOf(VARIABLE_TYPES);
  switch (type) {
    case 'BOOLEAN':
      return { key, type, value: f.value.boolean() };
    case 'NUMBER':
      return { key, type, value: f.value.number() };
    case 'JSON':
      // Kameleoon serves JSON variables as JSON text.
      return { key, type, value: JSON.stringify(f.value.toJS()) };
    default:
      return { key, type, value: f.value.string(`a text (the ${type} code)`) };
  }
}

type RuleFields = Partial<Record<'deliver' | 'experiment' | 'to' | 'traffic' | 'name' | 'respoolTime', YamlValue>>;

function convertRule(rule: YamlValue, r: RuleFields, ruleKey: string, variationKeys: string[], segmentIds: Map<string, number>, ids: StableIds, position: number): RuleJson {
  if (Boolean(r.deliver) === Boolean(r.experiment)) rule.fail('a rule needs exactly one of `deliver: <variation>` or `experiment: { <variation>: <percent>, ... }`.');
  const variation = (v: YamlValue, variationKey: string): string => {
    if (!variationKeys.includes(variationKey)) v.fail(`unknown variation "${variationKey}"; the variations of this flag are: ${variationKeys.join(', ')}.`);
    return variationKey;
  };
  let split: [string, number][];
  if (r.deliver) {
    split = [[variation(r.deliver, r.deliver.name('a variation key')), 100]];
  } else {
    const experiment = r.experiment as YamlValue;
    split = experiment.entries('a mapping of variation keys to percentages').map(([k, percent]) => [variation(percent, k), percent.percent()]);
    const total = split.reduce((sum, [, p]) => sum + p, 0);
    if (Math.abs(total - 100) > 1e-9) experiment.fail(`the percentages add up to ${total}; they must add up to 100.`);
  }
  let segmentId: number | null = null;
  if (r.to) {
    const name = r.to.name('a segment name');
    segmentId = segmentIds.get(name) ?? r.to.fail(`unknown segment "${name}"; the segments are: ${[...segmentIds.keys()].join(', ') || 'none (declare them under segments:)'}.`);
  }
  let respoolTime: number | null = null;
  if (r.respoolTime) {
    respoolTime = r.respoolTime.number('a positive integer');
    if (!Number.isInteger(respoolTime) || respoolTime <= 0) r.respoolTime.fail(`expected a positive integer, got ${respoolTime}.`);
  }
  return {
    id: ids.id(`rule:${ruleKey}`),
    order: position + 1,
    type: r.deliver ? 'TARGETED_DELIVERY' : 'EXPERIMENTATION',
    exposition: r.traffic ? r.traffic.percent() / 100 : 1,
    experimentId: ids.id(`experiment:${ruleKey}`),
    respoolTime,
    segmentId,
    variationByExposition: split.map(([variationKey, percent]) => ({ variationKey, variationId: ids.id(`variation:${ruleKey}:${variationKey}`), exposition: percent / 100 })),
  };
}

/** `holdout: 5` → 5 % of visitors in the `in-holdout` group, which gets every flag's default. */
function convertHoldout(percent: number, ids: StableIds): NonNullable<ConfigurationJson['holdout']> {
  const variationByExposition: VariationByExpositionJson[] = [
    { variationKey: 'in-holdout', variationId: ids.id('holdout:in-holdout'), exposition: percent / 100 },
    { variationKey: 'off', variationId: ids.id('holdout:off'), exposition: 1 - percent / 100 },
  ];
  return { experimentId: ids.id('holdout'), variationByExposition };
}
