import type { ParsedConfig } from '../config/parse.ts';
import type { Logger } from '../logging/logger.ts';
import { Conversion, CustomData, type KameleoonDataType } from './data.ts';
import type { VisitorData } from '../targeting/types.ts';
import { VISIT_DURATION_MS, emptyVisitorData, type VisitorExtra, type VisitorStore } from './visitorStore.ts';
import { msg } from '../logging/msg.ts';

/** Own non-enumerable property of a data item made from Data API data: the event's time (epoch ms). */
const EVENT_TIME = Symbol('eventTime');

/** Marks `item` as made from a Data API event of `time` (epoch ms): stored with that time, not the time it is stored. */
export function withEventTime<T extends object>(item: T, time: number | undefined): T {
  if (time !== undefined) Object.defineProperty(item, EVENT_TIME, { value: time });
  return item;
}

/**
 * Stores `items` in the visitor's targeting data, with the official engine's merge rules: a
 * custom data index, a browser, a device... replace the previous value; page views of one URL
 * accumulate timestamps; conversions accumulate. Custom data at the mapping-identifier index
 * links the user id it carries to this (anonymous) visitor: the user id then reads this
 * visitor's data and buckets with this visitor's code, across devices.
 */
export function applyData(visitor: number, items: KameleoonDataType[], config: ParsedConfig, store: VisitorStore, logger: Logger, local = false): void {
  const owner = store.ownerOf(visitor);
  const code = store.codeOf(visitor);
  // Created on the first stored item: a visitor whose items were all ignored has no data (visits depend on it).
  let stored: VisitorData | undefined;
  const data = (): VisitorData => (stored ??= store.extraOf(owner).data ??= emptyVisitorData());
  for (const item of items) {
    switch (item.kind) {
      case 'customData': {
        let index = item.index;
        if (index < 0) {
          const byName = config.customData.indexByName.get(item.name as string);
          if (byName === undefined) {
            logger.warnOnce(`cd:${item.name}`, msg`addData(): no custom data named "${item.name}" in the configuration; the value is ignored.`);
            continue;
          }
          index = byName;
        }
        const userId = item.values[0];
        if (index === config.customData.mappingIdentifierIndex && userId && userId !== code) {
          const linked = store.touch(userId);
          const extra = store.extraOf(linked);
          extra.linkedTo = code;
          extra.data = undefined;
          store.changed(linked);
        }
        data().customData.set(index, local ? { values: item.values.slice(), overwrite: item.overwrite, local } : { values: item.values.slice(), overwrite: item.overwrite });
        break;
      }
      case 'pageView': {
        const existing = data().pageViews.get(item.urlAddress);
        const times = existing ? existing.times : [];
        if (!times.includes(item.time)) {
          let at = times.length;
          while (at > 0 && times[at - 1] > item.time) at--;
          times.splice(at, 0, item.time);
        }
        data().pageViews.set(item.urlAddress, { url: item.urlAddress, title: item.title, referrers: item.referrers, times });
        break;
      }
      case 'conversion': {
        // The visit scope of CONVERSIONS conditions reads when it happened.
        const time = (item as { [EVENT_TIME]?: number })[EVENT_TIME] ?? store.now();
        data().conversions.push({ goalId: item.goalId, revenue: item.revenue, negative: item.negative, time });
        break;
      }
      case 'browser':
        data().browser = { browser: item.browser, version: item.version };
        break;
      case 'device':
        data().device = item.device;
        break;
      case 'operatingSystem':
        data().os = item.operatingSystem;
        break;
      case 'geolocation':
        data().geolocation = { country: item.country, region: item.region, city: item.city, postalCode: item.postalCode, coordinates: item.coordinates };
        break;
      case 'cookie':
        data().cookies = item.cookies;
        break;
      case 'userAgent':
        data().userAgent = item.value;
        break;
      case 'applicationVersion':
        data().applicationVersion = item.version;
        break;
      case 'uniqueIdentifier':
        data().uniqueIdentifier = item.value;
        break;
    }
  }
  if (owner !== visitor) store.changed(owner);
}

/**
 * Personalizations the Data API reports (id → epoch ms seen, 0 when unknown) added to the
 * visitor's data; a personalization already known keeps the later time.
 */
export function addPersonalizations(data: VisitorData, seen: ReadonlyMap<number, number>): void {
  if (seen.size === 0) return;
  const personalizations = (data.personalizations ??= new Map());
  for (const [id, time] of seen) personalizations.set(id, Math.max(time, personalizations.get(id) ?? 0));
}

/** Visits a visitor's data keeps, the latest (the official `VISITOR_VISIT_MAX_LENGTH`). */
export const MAX_VISITS = 26;

/** What the official browser SDK knows of the current visitor's visits (its `staticData` line reports it). */
export interface VisitStats {
  /** Visits before the current one. */
  visitNumber: number;
  /** Milliseconds since the previous visit's last activity (0 when there is none). */
  timeSincePreviousVisit: number;
}

/**
 * Browser visit counting, when the SDK switches to a visitor: activity more than 30 minutes after
 * the last one starts a new visit (the oldest past 26 is dropped; the number counts on),
 * otherwise it extends the current one. `current`: the figures of the switch in force (the
 * activity tick), whose time since the previous visit holds until a new visit.
 */
export function recordVisitActivity(extra: VisitorExtra, now: number, current?: VisitStats): VisitStats {
  const data = (extra.data ??= emptyVisitorData());
  const visits = (data.visits ??= []);
  let visitNumber = data.visitNumber ?? Math.max(visits.length - 1, 0);
  let timeSincePreviousVisit: number;
  if (now - extra.visitActivity > VISIT_DURATION_MS || visits.length === 0) {
    timeSincePreviousVisit = visits.length ? now - extra.visitActivity : 0;
    extra.previousVisitActivity = visits.length ? extra.visitActivity : 0;
    if (visits.push(now) > 1) visitNumber++;
    if (visits.length > MAX_VISITS) visits.shift();
  } else {
    timeSincePreviousVisit = current ? current.timeSincePreviousVisit : visits.length >= 2 ? now - (extra.previousVisitActivity ?? 0) : 0;
  }
  extra.visitActivity = now;
  return { visitNumber: (data.visitNumber = visitNumber), timeSincePreviousVisit };
}

/**
 * Custom data given by name, with its index from the configuration (unknown names are left out),
 * also in a conversion's metadata, as the official SDK resolves it (an unknown name there is
 * left out with a warning: addData's own warning covers the others).
 */
export function resolveNames(data: readonly KameleoonDataType[], config: ParsedConfig, logger: Logger): KameleoonDataType[] {
  return data.flatMap((item): KameleoonDataType[] => {
    if (item.kind === 'conversion') {
      if (!item.metadata?.some((custom) => custom.index < 0)) return [item];
      const metadata = item.metadata.filter((custom) => custom.index >= 0 || config.customData.indexByName.has(custom.name as string) || void logger.warnOnce(`cd:${custom.name}`, msg`trackConversion(): no custom data named "${custom.name}" in the configuration; the metadata value is ignored.`));
      return [Object.assign(Object.create(Conversion.prototype) as Conversion, item, { metadata: resolveNames(metadata, config, logger) as CustomData[] })];
    }
    if (item.kind !== 'customData' || item.index >= 0) return [item];
    const index = config.customData.indexByName.get(item.name as string);
    return index === undefined ? [] : [Object.assign(Object.create(CustomData.prototype) as CustomData, item, { index })];
  });
}
