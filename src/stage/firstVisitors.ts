/**
 * The first stage's visitors (see first.ts): what it holds of each, the data it records as the
 * full client would, what it stores when the page is left before the full client took over, and
 * which flags it may answer for.
 */
import type { FeatureFlag, ParsedConfig } from '../config/model.ts';
import type { ConditionJson, SegmentJson } from '../config/types.ts';
import { FeatureVariationNotFound } from '../errors.ts';
import type { Consent } from '../evaluation/evaluate.ts';
import { msg } from '../logging/msg.ts';
import type { IExternalStorage } from '../platform/platform.ts';
import { CORE_CONDITIONS } from '../targeting/coreConditions.ts';
import type { VisitorData } from '../targeting/types.ts';
import { earlyTrackingKey } from '../tracking/early.ts';
import { Conversion, CustomData, type KameleoonDataType } from '../visitor/data.ts';
import { SENT, TARGETED, UNSENT } from '../visitor/slots.ts';
import type { VisitorExtra, VisitorPersistence } from '../visitor/visitorStore.ts';

/** A visitor as the first stage holds it: its stored targeting data and whether the first stage may answer for it. */
export interface FirstVisitor {
  data: VisitorData | undefined;
  /** False once it has what the first stage does not apply (a forced variation, a link, cookie data, a unique identifier). */
  plain: boolean;
  /** Assignments of the first stage's evaluations: experiment, variation (-1 for none), targeted delivery, epoch ms, tracked. */
  assignments: [number, number, boolean, number, boolean][];
  /** Data items added to be tracked. */
  items: KameleoonDataType[];
  /** The visitor's legal consent: stored, or given to setLegalConsent since. */
  consent: Consent;
}

/** A visitor from what its stored record holds. */
export const firstVisitor = (extra: VisitorExtra | undefined): FirstVisitor => ({
  data: extra?.data,
  plain: !extra?.linkedTo && !extra?.forced?.size,
  assignments: [],
  items: [],
  consent: extra?.consent ?? 'unknown',
});

/** The assignments an evaluation makes (the first stage's conditions read none), noted for a page left early. */
export const noting = (visitor: FirstVisitor) =>
  ({
    get: () => undefined,
    set: (experimentId: number, variationId: number | null, targeted: boolean, track: boolean, now: number) => void visitor.assignments.push([experimentId, variationId ?? -1, targeted, now, track]),
  }) as never;

/**
 * Records data added to a visitor as the full client records it: custom data (by name, with its
 * index from the configuration; a name it does not know is left out, which the full client says
 * as it is handed over) and conversions (kept for the next page's CONVERSIONS conditions, should
 * this one be left early) in its data, and the items to track. Cookie data and a unique identifier
 * are what the first stage does not apply: it no longer answers for the visitor.
 * @returns the user ids given at the mapping index: the visitors they are linked to
 */
export function recordData(visitor: FirstVisitor, config: ParsedConfig, data: KameleoonDataType[], track: boolean): string[] {
  const linked: string[] = [];
  const stored = (): VisitorData => (visitor.data ??= { customData: new Map(), pageViews: new Map(), conversions: [] });
  const resolve = (item: CustomData): CustomData[] => {
    const index = item.index >= 0 ? item.index : config.customData.indexByName.get(item.name as string);
    return index === undefined ? [] : [index === item.index ? item : Object.assign(Object.create(CustomData.prototype) as CustomData, item, { index })];
  };
  for (const item of data) {
    let kept: KameleoonDataType[] = [item];
    if (item.kind === 'customData') {
      const [resolved] = (kept = resolve(item));
      if (!resolved) continue;
      if (resolved.index === config.customData.mappingIdentifierIndex) linked.push(item.values[0]!);
      stored().customData.set(resolved.index, { values: item.values.slice(), overwrite: item.overwrite, ...(!track && { local: true as const }) });
    } else if (item.kind === 'conversion') {
      stored().conversions.push({ goalId: item.goalId, revenue: item.revenue, negative: item.negative, time: Date.now() });
      if (item.metadata?.some((custom) => custom.index < 0)) kept = [Object.assign(Object.create(Conversion.prototype) as Conversion, item, { metadata: item.metadata.flatMap(resolve) })];
    } else if (item.kind === 'cookie' || item.kind === 'uniqueIdentifier') {
      visitor.plain = false;
    }
    if (track) visitor.items.push(...kept);
  }
  return linked;
}

/**
 * The page is hidden or left before the full client took over: what the first stage was given is
 * stored as the full client would have stored it, for it or the next page to send. The
 * assignments go into each visitor's stored record, the tracked ones unsent (the exposures), with its data and
 * consent; the data items and the visitor's schedule go to the early-tracking list, sent in full
 * only with consent where consent is required (as the full client's flush decides; with no
 * configuration in force yet, the next page's decides, from the consent stored).
 * @returns whether anything was stored (the calls it answered are then no longer to hand over)
 */
export function storeLeft(visitors: Map<string, FirstVisitor>, persistence: VisitorPersistence, storage: IExternalStorage, siteCode: string, consentRequired: boolean | undefined): boolean {
  const early: { code: string; items: KameleoonDataType[]; scheduled: boolean; consent: boolean | undefined }[] = [];
  for (const [code, visitor] of visitors) {
    if (!visitor.assignments.length && !visitor.items.length && visitor.consent === 'unknown') continue;
    const stored = persistence.load(code) ?? { lastActivity: Date.now(), assignments: [], assignmentTimes: undefined, extra: undefined };
    const triples = stored.assignments;
    const times = (stored.assignmentTimes ??= new Array<number>(triples.length / 3).fill(0));
    for (const [experimentId, variationId, targeted, time, track] of visitor.assignments) {
      let at = 0;
      while (at < triples.length && triples[at] !== experimentId) at += 3;
      // As Assignments.set: the same variation keeps its state; of another, the one sent is
      // recorded after it (as ~experimentId), and the new one is sent only if it was before.
      const sentBefore = (variation: number) => triples.some((id, i) => i % 3 === 0 && id === ~experimentId && triples[i + 1] === variation);
      let status = 0;
      if (at < triples.length && triples[at + 1] === variationId) status = triples[at + 2]! & (UNSENT | SENT);
      else {
        const previous = triples[at + 1]!;
        if (at < triples.length && triples[at + 2]! & SENT && !sentBefore(previous)) {
          triples.splice(at + 3, 0, ~experimentId, previous, 0);
          times.splice(at / 3 + 1, 0, 0);
        }
        if (sentBefore(variationId)) status = SENT;
      }
      if (track && !(status & SENT)) status |= UNSENT;
      triples.splice(at, 3, experimentId, variationId, (targeted ? TARGETED : 0) | status);
      times.splice(at / 3, 1, Math.ceil(time / 1000));
    }
    // The fields it leaves out are undefined, as in a record of a visitor without them.
    const extra = (stored.extra ??= { consent: 'unknown', visitActivity: 0 } as VisitorExtra);
    if (visitor.data) extra.data = visitor.data;
    extra.consent = visitor.consent;
    stored.lastActivity = Date.now();
    persistence.save(code, stored);
    early.push({ code, items: visitor.items, scheduled: true, consent: consentRequired === undefined ? undefined : !consentRequired || visitor.consent === 'given' });
    visitor.assignments = [];
    visitor.items = [];
  }
  if (!early.length) return false;
  const key = earlyTrackingKey(siteCode);
  const saved = storage.read(key);
  storage.write(key, [...(Array.isArray(saved) ? saved : []), ...early]);
  return true;
}

const answerable = new WeakMap<FeatureFlag, boolean>();

/** Whether every condition the flag's rules may reach is of a type the first stage evaluates as the full client does. */
export function answers(config: ParsedConfig, flag: FeatureFlag): boolean {
  let known = answerable.get(flag);
  if (known === undefined) {
    const raw = config.raw;
    const topLevel = raw.segments ?? null;
    // A SEGMENT condition names a segment of the configuration: a top-level one, or one inline in a rule.
    const all = [...(topLevel ?? []), ...raw.featureFlags.flatMap((f) => (f.rules ?? []).map((rule) => rule.segment))];
    const seen = new Set<unknown>();
    const segmentOk = (segment: SegmentJson | undefined | null): boolean => {
      if (!segment || seen.has(segment)) return true;
      seen.add(segment);
      return (segment.conditionsData?.firstLevel ?? []).every((group) => (group.conditions ?? []).every((c: ConditionJson) => conditionOk(c)));
    };
    const byId = (id: unknown) => all.find((s) => s != null && String(s.id) === String(id));
    const conditionOk = (c: ConditionJson): boolean => {
      if (!Object.hasOwn(CORE_CONDITIONS, c.targetingType)) return false;
      if (c.targetingType !== 'SEGMENT') return true;
      // One the first stage cannot find: the full client answers.
      const segment = byId((c as { segmentId?: unknown }).segmentId);
      return segment !== undefined && segmentOk(segment);
    };
    const json = [...raw.featureFlags].reverse().find((f) => f.featureKey === flag.featureKey);
    known = !!json && (json.rules ?? []).every((rule) => segmentOk(topLevel ? (rule.segmentId != null ? byId(rule.segmentId) : null) : rule.segment));
    answerable.set(flag, known);
  }
  return known;
}

/** @throws FeatureVariationNotFound as the full client does, when the visitor's variation is not one of the flag's */
export function requireVariation(flag: FeatureFlag, key: string, visitorCode: string): void {
  if (!flag.variations.has(key)) throw new FeatureVariationNotFound(msg`Feature flag "${flag.featureKey}" has no variation "${key}" (visitor "${visitorCode}").`);
}
