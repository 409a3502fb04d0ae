/**
 * The browser's user-agent analyzer against the official SDK's (4.17.1), which it must match
 * exactly: a table of real user agents, with the official answers written out (and checked
 * against the official analyzer on every run, so the table cannot drift from it), then random user
 * agents made of the rules' own words, compared with the official analyzer one by one.
 */
import { describe, expect, it, vi } from 'vitest';
import { analyzeUserAgent, createPlatformAnalyzer } from '../../src/platform/browser/platformAnalyzer.ts';
import { PageView } from '../../src/browser.ts';
import { Rng } from '../differential/rng.ts';
import { replaceGlobals } from '../support/globals.ts';
import { analysisOf, officialAnalysis, type OfficialAnalysis } from './officialAnalyzer.ts';

/** Ours, in the oracle's shape. */
const ours = (userAgent: string): OfficialAnalysis => analysisOf(analyzeUserAgent(userAgent));

/** Name, user agent, and what the official analyzer says of it. */
const USER_AGENTS: [string, string, OfficialAnalysis][] = [
  ['Chrome, Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36', { browser: 'CHROME', version: 120, os: 'WINDOWS', device: 'DESKTOP' }],
  ['Chrome, macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36', { browser: 'CHROME', version: 121, os: 'MAC', device: 'DESKTOP' }],
  ['Chrome, Linux', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36', { browser: 'CHROME', version: 119, os: 'LINUX', device: 'DESKTOP' }],
  ['headless Chrome', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36', { browser: 'CHROME', version: 120, os: 'LINUX', device: 'DESKTOP' }],
  ['Chrome, ChromeOS', 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', { browser: 'CHROME', version: 120 }],
  ['Firefox, Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0', { browser: 'FIREFOX', version: 121, os: 'WINDOWS', device: 'DESKTOP' }],
  ['Firefox, macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:109.0) Gecko/20100101 Firefox/115.0', { browser: 'FIREFOX', version: 115, os: 'MAC', device: 'DESKTOP' }],
  ['Firefox, Linux', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/118.0', { browser: 'FIREFOX', version: 118, os: 'LINUX', device: 'DESKTOP' }],
  ['Safari, macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', { browser: 'SAFARI', version: 17.1, os: 'MAC', device: 'DESKTOP' }],
  ['Edge (Chromium), Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91', { browser: 'CHROME', version: 120, os: 'WINDOWS', device: 'DESKTOP' }],
  ['Edge (legacy), Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041', { browser: 'CHROME', version: 70, os: 'WINDOWS', device: 'DESKTOP' }],
  ['Edge, iOS', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/119.2151.96 Mobile/15E148 Safari/605.1.15', { browser: 'SAFARI', version: 17, os: 'IOS', device: 'PHONE' }],
  ['Opera (Chromium), Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0', { browser: 'CHROME', version: 120, os: 'WINDOWS', device: 'DESKTOP' }],
  ['Opera (Presto), Windows', 'Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18', { browser: 'OPERA', version: 9.8, os: 'WINDOWS', device: 'DESKTOP' }],
  ['Opera Mini, iOS', 'Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) OPiOS/16.0.14.122053 Mobile/15E148 Safari/9537.53', { browser: 'SAFARI', os: 'IOS', device: 'PHONE' }],
  ['IE 11, Windows', 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko', { browser: 'IE', version: 11, os: 'WINDOWS', device: 'DESKTOP' }],
  ['IE 9, Windows', 'Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)', { browser: 'IE', version: 9, os: 'WINDOWS', device: 'DESKTOP' }],
  ['Chrome, Android phone', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36', { browser: 'CHROME', version: 120, os: 'ANDROID', device: 'PHONE' }],
  ['Chrome, Android tablet (no "Mobile")', 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', { browser: 'CHROME', version: 120, os: 'ANDROID', device: 'PHONE' }],
  ['Chrome, Nexus 7', 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 7 Build/MOB30X) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', { browser: 'CHROME', version: 120, os: 'ANDROID', device: 'TABLET' }],
  ['Samsung Internet, Android', 'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36', { browser: 'CHROME', version: 115, os: 'ANDROID', device: 'PHONE' }],
  ['Firefox, Android', 'Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0', { browser: 'FIREFOX', version: 121, os: 'ANDROID', device: 'PHONE' }],
  ['Firefox, Android tablet', 'Mozilla/5.0 (Android 14; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0', { browser: 'FIREFOX', version: 121, os: 'ANDROID', device: 'TABLET' }],
  ['Safari, iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', { browser: 'SAFARI', version: 17.1, os: 'IOS', device: 'PHONE' }],
  ['Chrome, iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1', { browser: 'CHROME', version: 120, os: 'IOS', device: 'PHONE' }],
  ['Firefox, iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15', { browser: 'FIREFOX', version: 121, os: 'IOS', device: 'PHONE' }],
  ['Safari, iPad', 'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', { browser: 'SAFARI', version: 17.1, os: 'IOS', device: 'TABLET' }],
  ['Firefox, iPad (desktop user agent)', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/121.0 Version/17.1 Safari/605.1.15', { browser: 'FIREFOX', version: 121, os: 'IOS', device: 'TABLET' }],
  ['Firefox, iPad (desktop user agent), lower-cased', 'mozilla/5.0 (macintosh; intel mac os x 10_15_7) applewebkit/605.1.15 (khtml, like gecko) fxios/121.0 version/17.1 safari/605.1.15', { browser: 'FIREFOX', version: 121, os: 'MAC', device: 'DESKTOP' }],
  ['Safari, iPod', 'Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1', { browser: 'SAFARI', version: 12.1, os: 'IOS', device: 'PHONE' }],
  ['Edge, Windows Phone', 'Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.14977', { browser: 'CHROME', version: 52, os: 'WINDOWS_PHONE', device: 'PHONE' }],
  ['IE Mobile, Windows Phone', 'Mozilla/5.0 (compatible; MSIE 10.0; Windows Phone 8.0; Trident/6.0; IEMobile/10.0; ARM; Touch; NOKIA; Lumia 920)', { browser: 'IE', version: 10, os: 'WINDOWS_PHONE', device: 'PHONE' }],
  ['Huawei phone', 'Mozilla/5.0 (Linux; Android 10; HUAWEI VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36', { browser: 'CHROME', version: 119, os: 'ANDROID', device: 'PHONE' }],
  ['Huawei tablet (the misspelt rule would make it a phone)', 'Mozilla/5.0 (Linux; Android 9; HUAWEI MediaPad M5 Tablet) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36', { browser: 'CHROME', version: 119, os: 'ANDROID', device: 'TABLET' }],
  ['the misspelt Huawei rule, literally', 'Mozilla/5.0 (Linux; huserAgentwei; iPad) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36', { browser: 'CHROME', version: 119, os: 'IOS', device: 'PHONE' }],
  ['Kindle Fire (Silk)', 'Mozilla/5.0 (Linux; U; Android 4.0.3; en-us; KFTT Build/IML74K) AppleWebKit/535.19 (KHTML, like Gecko) Silk/3.4 Mobile Safari/535.19 Silk-Accelerated=true', { browser: 'SAFARI', os: 'ANDROID', device: 'TABLET' }],
  ['BlackBerry', 'Mozilla/5.0 (BlackBerry; U; BlackBerry 9900; en) AppleWebKit/534.11+ (KHTML, like Gecko) Version/7.1.0.346 Mobile Safari/534.11+', { browser: 'SAFARI', version: 7.1, device: 'PHONE' }],
  ['Samsung smart TV', 'Mozilla/5.0 (SMART-TV; Linux; Tizen 5.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/2.2 Chrome/63.0.3239.111 TV Safari/537.36', { browser: 'CHROME', version: 63, os: 'LINUX', device: 'DESKTOP' }],
  ['PlayStation 4', 'Mozilla/5.0 (PlayStation 4 5.55) AppleWebKit/601.2 (KHTML, like Gecko)', { browser: 'SAFARI' }],
  ['PhantomJS', 'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1', { browser: 'SAFARI', os: 'LINUX', device: 'DESKTOP' }],
  ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', { browser: 'OTHER', version: 2.1 }],
  ['Googlebot, smartphone', 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', { browser: 'CHROME', version: 120, os: 'ANDROID', device: 'PHONE' }],
  ['Bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', { browser: 'OTHER', version: 5 }],
  ['Yandex browser (no Chrome token)', 'Mozilla/5.0 (Windows NT 6.1) YaBrowser/23.1.2 Yowser/2.5', { browser: 'OTHER', version: 23.1, os: 'WINDOWS', device: 'DESKTOP' }],
  ['UC Browser (no Chrome token)', 'UCWEB/2.0 (Java; U; MIDP-2.0; en-US; Nokia5130c-2) U2/1.0.0 UCBrowser/9.5.0.449 U2/1.0.0 Mobile', { browser: 'OTHER', version: 9.5, device: 'PHONE' }],
  ['Vivaldi (no Chrome token)', 'Mozilla/5.0 (X11; Linux i686) Presto/2.12 Vivaldi/1.0.83.38', { browser: 'OTHER', version: 1, os: 'LINUX', device: 'DESKTOP' }],
  ['Electron (no Chrome token)', 'Mozilla/5.0 (Windows NT 10.0) Electron/28.1.0 App/1.0', { browser: 'OTHER', version: 28.1, os: 'WINDOWS', device: 'DESKTOP' }],
  ['Chromium (no Chrome token)', 'Mozilla/5.0 (X11; Linux x86_64) Chromium/120.0.0.0', { browser: 'OTHER', version: 120, os: 'LINUX', device: 'DESKTOP' }],
  ['curl', 'curl/8.4.0', { browser: 'OTHER' }],
  ['Wget', 'Wget/1.21.2 (linux-gnu)', { browser: 'OTHER', version: 1.21, os: 'LINUX', device: 'DESKTOP' }],
  ['python-requests', 'python-requests/2.31.0', { browser: 'OTHER' }],
  ['unknown token then a space', 'SomeAgent/3.7.1 extra', { browser: 'OTHER', version: 3.7 }],
  ['no version anywhere', 'Mozilla', { browser: 'OTHER' }],
  ['empty', '', {}],
];

describe('user-agent analysis', () => {
  it.each(USER_AGENTS)('%s', (_name, userAgent, expected) => {
    expect(officialAnalysis(userAgent)).toEqual(expected);
    expect(ours(userAgent)).toEqual(expected);
  });

  /** Words of the official rules (and near misses), in any case, with versions of every shape. */
  const WORDS = [
    'Mozilla/5.0', 'Chrome', 'CriOS', 'CrMo', 'HeadlessChrome', 'Firefox', 'Iceweasel', 'FxiOS', 'Safari', 'AppleWebKit', 'OPR', 'OPiOS',
    'Edge', 'Edg', 'EdgA', 'EdgE', 'EdgiOS', 'Googlebot', 'SamsungBrowser', 'YaBrowser', 'UCBrowser', 'Vivaldi', 'Phantom', 'PhantomJS',
    'Electron', 'Chromium', 'Opera', 'MSIE', 'Trident', 'rv:', 'Version', 'Windows Phone', 'Windows', 'Windows NT 10.0', 'Macintosh',
    'Mac OS X', 'iPod', 'iPhone', 'iPad', 'Android', 'Linux', 'huserAgentwei', 'HUAWEI', 'Nexus 7', 'Nexus 10', 'Nexus 5', 'Nexus', 'Galaxy Nexus',
    'Macintosh FxiOS Version/', 'Macintosh; FxiOS/121.0 Version', 'KFTT Build', 'Silk', 'Tablet', 'Tablet PC', 'Mobile', '-Mobile', 'BlackBerry', 'bada', 'CrOS', 'iOS', 'like Gecko', 'X11',
  ];
  const VERSIONS = ['', '1', '12', '120.0.6099.71', '17_1', '17._1', '9.', '9.x', '2.1', '1e5', '10.15.7', '.5', '_3'];
  const SEPARATORS = [' ', '/', '; ', ' (', ') ', '\t', ''];

  function randomUserAgent(rng: Rng): string {
    let ua = '';
    const words = rng.int(1, 7);
    for (let i = 0; i < words; i++) {
      let word = rng.pick(WORDS);
      if (rng.chance(0.25)) word = rng.chance(0.5) ? word.toLowerCase() : word.toUpperCase();
      ua += word + rng.pick(SEPARATORS) + rng.pick(VERSIONS) + rng.pick(SEPARATORS);
    }
    return ua;
  }

  it('agrees with the official analyzer on 5,000 random user agents', () => {
    const rng = new Rng(20240611);
    const differences: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const userAgent = randomUserAgent(rng);
      const expected = officialAnalysis(userAgent);
      const actual = ours(userAgent);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) differences.push(`${JSON.stringify(userAgent)}: official ${JSON.stringify(expected)}, ours ${JSON.stringify(actual)}`);
    }
    expect(differences.slice(0, 10)).toEqual([]);
  });
});

describe('createPlatformAnalyzer', () => {
  it('reads the user agent once, and the page at each call, as a page view', () => {
    // The test runs in Node: the globals a browser has are stubbed, then put back as they were.
    const restore = replaceGlobals({ navigator: { userAgent: USER_AGENTS[0][1] }, location: { href: 'https://shop.example/a' }, document: { title: 'A' } });
    const set = (name: string, value: unknown) => Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    try {
      const analyzer = createPlatformAnalyzer();
      set('navigator', { userAgent: '' });
      const first = analyzer.getResult();
      expect(first).toMatchObject({ browser: { name: 'CHROME', version: 120 }, os: { name: 'WINDOWS' }, platform: { type: 'DESKTOP' } });
      expect(first.pageView).toBeInstanceOf(PageView);
      expect(first.pageView).toMatchObject({ urlAddress: 'https://shop.example/a', title: 'A' });
      set('location', { href: 'https://shop.example/b' });
      set('document', { title: 'B' });
      expect(analyzer.getResult()).toMatchObject({ browser: { name: 'CHROME' }, pageView: { urlAddress: 'https://shop.example/b', title: 'B' } });
    } finally {
      restore();
    }
  });

  it('finds nothing outside a browser (no navigator, no location)', () => {
    // Node 21 and later have a navigator (userAgent "Node.js/21"): this is about having none.
    vi.stubGlobal('navigator', undefined);
    try {
      expect(createPlatformAnalyzer().getResult()).toEqual({ pageView: undefined });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
