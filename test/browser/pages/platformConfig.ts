/**
 * A configuration whose flags each target one thing the browser's platform data decides (browser,
 * device, operating system, page URL and title, page views, previous page, visits): one targeted
 * delivery per condition, "on" when it holds, else "off". Shared by the Chromium page
 * (pages/platform.ts) and the Node test of the same behaviour against the official SDK.
 */
import { oneFlagPerCondition } from '../../support/conditionFlags.ts';

/** The condition of each flag, by feature key. */
const CONDITIONS = (pageUrl: string): Record<string, Record<string, unknown>> => ({
  browser_chrome: { targetingType: 'BROWSER', browser: 'CHROME' },
  browser_chrome_over_100: { targetingType: 'BROWSER', browser: 'CHROME', version: '100', versionMatchType: 'GREATER' },
  browser_firefox: { targetingType: 'BROWSER', browser: 'FIREFOX' },
  browser_safari_17: { targetingType: 'BROWSER', browser: 'SAFARI', version: '17', versionMatchType: 'GREATER' },
  browser_ie: { targetingType: 'BROWSER', browser: 'IE' },
  browser_other: { targetingType: 'BROWSER', browser: 'OTHER' },
  device_phone: { targetingType: 'DEVICE_TYPE', device: 'PHONE' },
  device_tablet: { targetingType: 'DEVICE_TYPE', device: 'TABLET' },
  device_desktop: { targetingType: 'DEVICE_TYPE', device: 'DESKTOP' },
  os_windows: { targetingType: 'OPERATING_SYSTEM', os: 'WINDOWS' },
  os_mac: { targetingType: 'OPERATING_SYSTEM', os: 'MAC' },
  os_linux: { targetingType: 'OPERATING_SYSTEM', os: 'LINUX' },
  os_ios: { targetingType: 'OPERATING_SYSTEM', os: 'IOS' },
  os_android: { targetingType: 'OPERATING_SYSTEM', os: 'ANDROID' },
  url_exact: { targetingType: 'PAGE_URL', matchType: 'EXACT', url: pageUrl },
  url_contains: { targetingType: 'PAGE_URL', matchType: 'CONTAINS', url: 'platform.html' },
  url_second_page: { targetingType: 'PAGE_URL', matchType: 'REGULAR_EXPRESSION', url: '.*step=2$' },
  title_exact: { targetingType: 'PAGE_TITLE', matchType: 'EXACT', title: 'Checkout – Platform' },
  title_contains: { targetingType: 'PAGE_TITLE', matchType: 'CONTAINS', title: 'Cart' },
  previous_page: { targetingType: 'PREVIOUS_PAGE', matchType: 'CONTAINS', url: 'platform.html' },
  page_views_1: { targetingType: 'PAGE_VIEWS', matchType: 'EQUAL', pageCount: 1 },
  page_views_over_2: { targetingType: 'PAGE_VIEWS', matchType: 'GREATER', pageCount: 2 },
  page_views_over_4: { targetingType: 'PAGE_VIEWS', matchType: 'GREATER', pageCount: 4 },
  new_visitor: { targetingType: 'NEW_VISITORS', visitorType: 'NEW' },
  returning_visitor: { targetingType: 'NEW_VISITORS', visitorType: 'RETURNING' },
  visits_over_1: { targetingType: 'VISITS', matchType: 'GREATER', visitCount: 1 },
});

/** The flags, one per condition. */
export const PLATFORM_FLAGS = Object.keys(CONDITIONS(''));

/** The configuration (in the `/v3/{siteCode}` format); `pageUrl` is the URL that `url_exact` expects. */
export function platformConfig(pageUrl: string) {
  return oneFlagPerCondition(CONDITIONS(pageUrl));
}
