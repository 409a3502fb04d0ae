/**
 * A shared store held in a Map, for the fleet tests: what a store of another database would do
 * (`SharedStore`'s guarantees), with faults a test can set. `member()` gives each client its own
 * view of it, as each process has its own connection.
 */
import type { SharedStore } from '../../src/node.ts';

/** What the test can make the shared Map store do. */
export interface Faults {
  /** The next write of this member's store fails. */
  failNextWrite?: SharedStore;
  /** The next publish fails. */
  failNextPublish?: boolean;
  /** Loads answer this late (with the value as it was when asked, as Redis does). */
  loadDelayMs?: number;
  /** Writes never answer. */
  stallWrites?: boolean;
}

/** A store in a Map: `member()` gives each client its own view of it. */
export function mapStore() {
  const data = new Map<string, string>();
  const faults: Faults = {};
  const member = (): SharedStore => {
    const self: SharedStore = {
      loadTimeout: 1000,
      async getVisitor(site, code) {
        const value = data.get(`${site}/${code}`) ?? null;
        if (faults.loadDelayMs) await new Promise((resolve) => setTimeout(resolve, faults.loadDelayMs));
        return value;
      },
      async setVisitors(site, visitors) {
        if (faults.stallWrites) return new Promise<void>(() => undefined);
        if (faults.failNextWrite === self) {
          faults.failNextWrite = undefined;
          throw new Error('connection reset');
        }
        for (const [code, value] of visitors) data.set(`${site}/${code}`, value);
      },
      async claimExposures(site, claims) {
        return claims.map(({ visitorCode, experimentId, variationId }) => {
          const key = `${site}/${visitorCode}/x/${experimentId}/${variationId}`;
          if (data.has(key)) return false;
          data.set(key, '1');
          return true;
        });
      },
      async lockConfiguration(site, owner) {
        const holder = data.get(`${site}/lock`);
        if (holder !== undefined && holder !== owner) return false;
        data.set(`${site}/lock`, owner);
        return true;
      },
      getConfiguration: async (site) => data.get(`${site}/configuration`) ?? null,
      async setConfiguration(site, value) {
        if (faults.failNextPublish) {
          faults.failNextPublish = false;
          throw new Error('connection reset');
        }
        data.set(`${site}/configuration`, value);
      },
      subscribeConfiguration: () => () => undefined,
    };
    return self;
  };
  return { data, faults, member };
}

