import type { KameleoonDataType } from '../visitor/data.ts';
import { BROWSER_INDEXES, OS_INDEXES, type BrowserType, type OperatingSystemType } from '../visitor/kinds.ts';
import type { VisitorData } from '../targeting/types.ts';
import { encodeComponent as encode } from '../visitor/encode.ts';

/**
 * Kameleoon's tracking lines, byte for byte as the official JavaScript SDK writes them: a line is
 * `<event>&nonce=<16 hex>` then `&visitorCode=<encoded code>` (or `&mappingValue=`), the visitor's
 * user agent appended raw to its first line. Values are encoded with encodeURIComponent, except
 * where the official SDK writes them raw (referrer indices, coordinates, the user agent).
 */

const HEX = '0123456789ABCDEF';

/** A nonce: 16 upper-case hex characters, drawn as the official SDK draws them. */
export function nonce(random: () => number): string {
  let out = '';
  for (let i = 0; i < 16; i++) out += HEX.charAt(Math.floor(random() * 16));
  return out;
}

/** An exposure (`variationId=null` for a variation without id, as the official SDK writes it). */
export function experimentLine(experimentId: number, variationId: number | null): string {
  return `eventType=experiment&id=${experimentId}&variationId=${variationId}`;
}

/** A visit with nothing else to send. */
export const ACTIVITY_LINE = 'eventType=activity';

/** An audience segment the visitor is in. */
function segmentLine(segmentId: number): string {
  return `eventType=targetingSegment&id=${segmentId}`;
}

function customDataLine(index: number, values: readonly string[], overwrite: boolean, isMappingIdentifier: boolean): string {
  // No prototype: a value named `__proto__` is a key like any other.
  const counts: Record<string, 1> = Object.create(null);
  for (const value of values) counts[value] = 1;
  return `eventType=customData&index=${index}&valuesCountMap=${encodeURIComponent(JSON.stringify(counts))}&overwrite=${overwrite}${isMappingIdentifier ? '&mappingIdentifier=true' : ''}`;
}

function metadataParam(metadata: readonly { index: number; values: readonly string[] }[]): string {
  const byIndex: Record<number, readonly string[]> = {};
  for (const item of metadata) if (!(item.index in byIndex)) byIndex[item.index] = item.values;
  return `&metadata=${encodeURIComponent(JSON.stringify(byIndex))}`;
}

/** An audience segment the visitor was found in by `evaluateAudiences` (tracked like data). */
export interface TargetedSegmentItem {
  readonly kind: 'targetedSegment';
  readonly id: number;
}

/** Everything that becomes a data line. */
export type TrackedItem = KameleoonDataType | TargetedSegmentItem;

const browserParams = (browser: string, version: number | undefined) =>
  `&browser=${browser}&browserIndex=${BROWSER_INDEXES.indexOf(browser as BrowserType)}${version ? `&browserVersion=${version}` : ''}`;
const osParams = (os: string) => `&os=${os}&osIndex=${OS_INDEXES.indexOf(os as OperatingSystemType)}`;

/**
 * The browser SDK's `staticData` summary line of a visitor: browser, visit figures, OS, device
 * (each only when known).
 */
export function staticSummaryLine(data: VisitorData | undefined, visits: { visitNumber: number; timeSincePreviousVisit: number } | undefined): string {
  let line = 'eventType=staticData';
  if (data?.browser) line += browserParams(data.browser.browser, data.browser.version);
  if (visits) line += `&visitNumber=${visits.visitNumber}&timeSincePreviousVisit=${visits.timeSincePreviousVisit}`;
  if (data?.os) line += osParams(data.os);
  if (data?.device) line += `&deviceType=${data.device}`;
  return line;
}

/** What a data line needs from the configuration. */
export interface LineContext {
  /** Index of the mapping-identifier custom data, if any. */
  mappingIdentifierIndex: number | null;
  /** Custom data indexes that are never sent. */
  localOnly: ReadonlySet<number>;
}

/**
 * The line of one data item, or undefined when the item is never sent (local-only custom data,
 * user agent, cookie, application version, unique identifier, a custom data by an unknown name).
 */
export function dataLine(item: TrackedItem, ctx: LineContext): string | undefined {
  switch (item.kind) {
    case 'customData':
      if (item.index < 0 || ctx.localOnly.has(item.index)) return undefined;
      // Flagged when it carries a user id (a non-empty first value), as the official SDK flags it.
      return customDataLine(item.index, item.values, item.overwrite, item.index === ctx.mappingIdentifierIndex && Boolean(item.values[0]));
    case 'pageView': {
      if (!item.urlAddress) return undefined;
      const title = item.title ? `&title=${encode(item.title)}` : '';
      const referrers = item.referrers?.length ? `&referrersIndices=${JSON.stringify(item.referrers)}` : '';
      return `eventType=page&href=${encode(item.urlAddress)}${title}${referrers}`;
    }
    case 'conversion':
      return `eventType=conversion&goalId=${item.goalId}&revenue=${item.revenue}&negative=${item.negative}${item.metadata?.length ? metadataParam(item.metadata) : ''}`;
    case 'device':
      return `eventType=staticData&deviceType=${item.device}`;
    case 'browser':
      return `eventType=staticData${browserParams(item.browser, item.version)}`;
    case 'operatingSystem':
      return `eventType=staticData${osParams(item.operatingSystem)}`;
    case 'geolocation': {
      const region = item.region ? `&region=${encode(item.region)}` : '';
      const city = item.city ? `&city=${encode(item.city)}` : '';
      const postalCode = item.postalCode ? `&postalCode=${encode(item.postalCode)}` : '';
      const coordinates = item.coordinates ? `&latitude=${item.coordinates[0]}&longitude=${item.coordinates[1]}` : '';
      return `eventType=geolocation&country=${encode(item.country)}${region}${city}${postalCode}${coordinates}`;
    }
    case 'targetedSegment':
      return segmentLine(item.id);
    default:
      return undefined;
  }
}

/** The identifier parameter closing each line of a visitor. */
export function identifierParam(visitorCode: string, asMappingValue: boolean): string {
  return `${asMappingValue ? '&mappingValue=' : '&visitorCode='}${encode(visitorCode)}`;
}
