import { PageView, type BrowserType, type DeviceType, type OperatingSystemType } from '../../visitor/data.ts';
import type { IPlatformAnalyzer, PlatformAnalysisResult } from '../platform.ts';

/**
 * The browser's platform analyzer: Kameleoon's browser, operating system and device of a user
 * agent, decided as the official SDK 4.17.1 decides them (its `PlatformAnalyzer`): the first rule
 * whose test matches wins. Rules that lead to the same answer and follow each other are merged
 * into one alternation, which matches exactly when one of them does; capture groups the official
 * rules do not read are left out. The official SDK's operating-system versions are left out too:
 * only its rule "Android 3 and later is a tablet" reads one, and it never fires (an Android result
 * has no version).
 */

/** A browser rule: its test, the browser, then the patterns of its version (group 1), tried in order. */
type BrowserRule = [RegExp, BrowserType, ...RegExp[]];

const BROWSERS: BrowserRule[] = [
  // Every Chromium-based browser (Edge, Opera, Samsung...) says "Chrome" and stops here.
  [/chrome|crios|crmo/i, 'CHROME', /(?:chrome|crios|crmo)\/(\d+(\.?_?\d+)+)/i],
  [/firefox|iceweasel|fxios/i, 'FIREFOX', /(?:firefox|iceweasel|fxios)[\s/](\d+(\.?_?\d+)+)/i],
  [/safari|applewebkit/i, 'SAFARI', /version\/(\d+(\.?_?\d+)+)/i],
  [/opr\/|opios/i, 'OPERA', /(?:opr|opios)[\s/](\S+)/i],
  [/edg(?:[ea]|ios)/i, 'IE', /edg(?:[ea]|ios)\/(\d+(\.?_?\d+)+)/i],
  [/googlebot/i, 'OTHER', /googlebot\/(\d+(\.\d+))/i, /version\/(\d+(\.?_?\d+)+)/i],
  [/samsungbrowser/i, 'OTHER', /samsungbrowser[\s/](\d+(\.?_?\d+)+)/i],
  [/yabrowser/i, 'OTHER', /yabrowser[\s/](\d+(\.?_?\d+)+)/i],
  [/ucbrowser/i, 'OTHER', /ucbrowser[\s/](\d+(\.?_?\d+)+)/i],
  [/vivaldi/i, 'OTHER', /vivaldi\/(\d+(\.?_?\d+)+)/i],
  [/phantom/i, 'OTHER', /phantomjs\/(\d+(\.?_?\d+)+)/i],
  [/electron/i, 'OTHER', /electron\/(\d+(\.?_?\d+)+)/i],
  [/chromium/i, 'OTHER', /chromium[\s/](\d+(\.?_?\d+)+)/i],
  [/opera/i, 'OPERA', /opera[\s/](\d+(\.?_?\d+)+)/i],
  [/msie|trident/i, 'IE', /(?:msie |rv:)(\d+(\.?_?\d+)+)/i],
];

const OSES: [RegExp, OperatingSystemType][] = [
  [/windows phone/i, 'WINDOWS_PHONE'],
  [/windows /i, 'WINDOWS'],
  [/Macintosh.* FxiOS.* Version\//, 'IOS'],
  [/macintosh/i, 'MAC'],
  [/ipod|iphone|ipad/i, 'IOS'],
  [/android/i, 'ANDROID'],
  [/linux/i, 'LINUX'],
];

const DEVICES: [RegExp, DeviceType][] = [
  // The official rule for Huawei phones is misspelt (`huserAgentwei`), so it never matches a real
  // user agent; kept as it is for the same decisions.
  [/huserAgentwei/i, 'PHONE'],
  [/nexus\s*(?:7|8|9|10)|ipad|kftt build|silk|tablet(?! pc)/i, 'TABLET'],
  [/Macintosh.* FxiOS.* Version\//, 'TABLET'],
  [/ipod|iphone|nexus\s*[0-6]|galaxy nexus|[^-]mobi|blackberry|bada|windows phone|android/i, 'PHONE'],
  // `macintosh` stands for the official fallback on the operating system: when no device rule
  // matched, only a Mac (a desktop) can be left (Android, Windows and Linux have rules above).
  [/ios|windows|linux|macintosh/i, 'DESKTOP'],
];

const first = <R extends [RegExp, ...unknown[]]>(rules: R[], userAgent: string) => rules.find(([test]) => test.test(userAgent));

/** The browser, operating system and device of a user agent (nothing for an empty one). */
export function analyzeUserAgent(userAgent: string): PlatformAnalysisResult {
  if (!userAgent) return {};
  // No rule: another browser, its version after the last "/" before " (" (or before the last space).
  const [, name, ...patterns] = first(BROWSERS, userAgent) ?? ([/$/, 'OTHER', userAgent.includes('(') ? /^.*\/(.*)[ \t]\(/ : /^.*\/(.*) /] as BrowserRule);
  let text = '';
  for (const pattern of patterns) text ||= pattern.exec(userAgent)?.[1] ?? '';
  // The official SDK reads the major and minor version ("120.0.6099" → 120), which is what parseFloat reads.
  const version = parseFloat(text);
  const os = first(OSES, userAgent)?.[1];
  const device = first(DEVICES, userAgent)?.[1];
  return { browser: { name, version: isNaN(version) ? undefined : version }, os: os && { name: os }, platform: device && { type: device } };
}

/**
 * The browser's analyzer: the user agent is read once, the page (URL and title, a page view) at
 * each `getResult()`, as the official SDK does.
 */
export function createPlatformAnalyzer(): IPlatformAnalyzer {
  const result = analyzeUserAgent(globalThis.navigator?.userAgent ?? '');
  return {
    getResult: () => {
      const href = globalThis.location?.href;
      return { ...result, pageView: href ? new PageView({ urlAddress: href, title: globalThis.document?.title ?? '' }) : undefined };
    },
  };
}
