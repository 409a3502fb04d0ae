/**
 * A realistic `/visit/visitor` answer, in the shape the official parser reads
 * (`core:src/requester/types.ts` `GetVisitorDataResultType` / `VisitType`): a current visit and
 * two previous visits (most recent first), with every event kind, plus kcs and cbs.
 */

/** Epoch ms of the current visit's start. */
export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export const VISITOR = 'visitor_remote_1';

export function visitorDataFixture(): Record<string, any> {
  return {
    currentVisit: {
      siteCode: 'site-test',
      visitorCode: VISITOR,
      timeStarted: T0,
      timeLastEvent: T0 + 20 * MIN,
      customDataEvents: [
        { time: T0 + 1 * MIN, data: { index: 0, valuesCountMap: { premium: 1 }, overwrite: true, mappingIdentifier: false } },
        { time: T0 + 2 * MIN, data: { index: 2, valuesCountMap: { '150': 1, '20': 2, x: 1 }, overwrite: true, mappingIdentifier: false } },
        // Index 0 again: the last event of the visit wins ('enterprise').
        { time: T0 + 3 * MIN, data: { index: 0, valuesCountMap: { enterprise: 1 }, overwrite: true, mappingIdentifier: false } },
        { time: T0 + 4 * MIN, data: { index: 5, valuesCountMap: { 'user-42': 1 }, overwrite: true, mappingIdentifier: true } },
      ],
      pageEvents: [
        { time: T0 + 5 * MIN, data: { href: 'https://shop.example.com/', title: 'Home', canonicalHref: null, keyPagesIndices: [null], referrerHref: null, referrersIndices: [null] } },
        { time: T0 + 6 * MIN, data: { href: 'https://shop.example.com/cart?x=1', title: 'Cart – Shop', canonicalHref: null, keyPagesIndices: [null], referrerHref: null, referrersIndices: [3, 4] } },
        { time: T0 + 7 * MIN, data: { href: 'https://shop.example.com/', title: 'Home', canonicalHref: null, keyPagesIndices: [null], referrerHref: null, referrersIndices: [null] } },
      ],
      conversionEvents: [{ time: T0 + 8 * MIN, data: { goalId: 555, revenue: 49.9, negative: false } }],
      geolocationEvents: [
        { time: T0 + 1 * MIN, data: { country: 'France', region: 'Île-de-France', city: 'Paris', postalCode: '75008', latitude: 48.8738, longitude: 2.295 } },
        // No country: ignored, the previous event is kept.
        { time: T0 + 2 * MIN, data: { country: null, region: null, city: null, postalCode: null, latitude: null, longitude: null } },
      ],
      staticDataEvent: {
        time: T0,
        data: {
          visitNumber: 2,
          timeSincePreviousVisit: DAY,
          browser: 'CHROME',
          browserIndex: 0,
          browserVersion: 120.5,
          os: null,
          osIndex: null,
          deviceType: null,
          firstReferrerHref: null,
          windowWidth: 1280,
          windowHeight: 800,
          screenWidth: 1920,
          screenHeight: 1080,
          timeZoneId: 'Europe/Paris',
          localeLanguageTag: 'fr-FR',
          mappingIdentifier: null,
        },
      },
      experimentEvents: [{ time: T0 + 1 * MIN, data: { id: 7002, variationId: 80023 } }],
      personalizationEvents: [{ data: { id: 91, variationId: 910 } }],
    },
    previousVisits: [
      {
        siteCode: 'site-test',
        visitorCode: VISITOR,
        timeStarted: T0 - DAY,
        timeLastEvent: T0 - DAY + 30 * MIN,
        customDataEvents: [
          { time: T0 - DAY + 1 * MIN, data: { index: 1, valuesCountMap: { FR: 1 }, overwrite: true, mappingIdentifier: false } },
          // Index 0 was set in a more recent visit: ignored.
          { time: T0 - DAY + 2 * MIN, data: { index: 0, valuesCountMap: { basic: 1 }, overwrite: true, mappingIdentifier: false } },
        ],
        pageEvents: [
          { time: T0 - DAY + 3 * MIN, data: { href: 'https://shop.example.com/', title: 'Home (old)', canonicalHref: null, keyPagesIndices: [null], referrerHref: null, referrersIndices: [7] } },
          { time: T0 - DAY + 4 * MIN, data: { href: 'https://shop.example.com/product/1', title: 'Product 1', canonicalHref: null, keyPagesIndices: [null], referrerHref: null, referrersIndices: [null] } },
        ],
        conversionEvents: [
          { time: T0 - DAY + 5 * MIN, data: { goalId: 555, revenue: 10, negative: false } },
          { time: T0 - DAY + 6 * MIN, data: { goalId: 600, revenue: 0, negative: true } },
        ],
        geolocationEvents: [{ time: T0 - DAY, data: { country: 'Germany', region: 'Bavaria', city: 'Munich', postalCode: null, latitude: null, longitude: null } }],
        staticDataEvent: {
          time: T0 - DAY,
          data: { visitNumber: 1, browser: null, browserIndex: 2, browserVersion: null, os: null, osIndex: 4, deviceType: 'PHONE', mappingIdentifier: null },
        },
        experimentEvents: [
          { time: T0 - DAY + 1 * MIN, data: { id: 7002, variationId: 80024 } },
          { time: T0 - DAY + 1 * MIN, data: { id: 7101, variationId: 81010 } },
        ],
        personalizationEvents: [
          { data: { id: 91, variationId: 911 } },
          { data: { id: 92, variationId: 920 } },
        ],
      },
      {
        siteCode: 'site-test',
        visitorCode: VISITOR,
        timeStarted: T0 - 3 * DAY,
        // No timeLastEvent: the visit's last activity is its start.
        customDataEvents: [],
        pageEvents: [
          { time: T0 - 3 * DAY + 2 * MIN, data: { href: 'https://shop.example.com/', title: 'Home (oldest)', canonicalHref: null, keyPagesIndices: [null], referrerHref: null, referrersIndices: [null] } },
        ],
        conversionEvents: [],
        geolocationEvents: [{ time: T0 - 3 * DAY, data: { country: 'Spain', region: null, city: 'Madrid', postalCode: null, latitude: null, longitude: null } }],
        staticDataEvent: {
          time: T0 - 3 * DAY,
          data: { visitNumber: 0, browser: 'SAFARI', browserIndex: 3, browserVersion: 17, os: 'IOS', osIndex: 2, deviceType: 'TABLET', mappingIdentifier: null },
        },
        // 7002 seen again in the oldest visit: the official parser keeps this one (last overwrite).
        experimentEvents: [{ time: T0 - 3 * DAY, data: { id: 7002, variationId: 80025 } }],
      },
    ],
    kcs: { '101': { '555': 12.5, '600': 3 }, '102': { '555': 70 } },
    cbs: { '7002': { '80023': 0.5, '80024': 0.9, '80025': 0.5 }, '7101': { '81010': 0.1 } },
  };
}

/** Every filter on, 2 previous visits. */
export const ALL_FILTERS = {
  previousVisitAmount: 2,
  currentVisit: true,
  customData: true,
  pageViews: true,
  geolocation: true,
  device: true,
  browser: true,
  operatingSystem: true,
  conversions: true,
  experiments: true,
  kcs: true,
  visitorCode: true,
  personalization: true,
  cbs: true,
};
