/**
 * A measure, not a client: the least a browser's first variation from the cached configuration
 * needs, with the official SDK's decisions and this SDK's contracts, built from the modules the
 * first stage uses (`npm run size` bundles it with the public names as "first-variation floor").
 * It reads the options (a bad one throws a typed error, as the constructor does), the visitor code
 * from its cookie (written for a new visitor), the visitor's stored data, the cached configuration,
 * and evaluates one flag into the public Variation. It has no hand-over to the full client, no
 * replay, no tracking, no listeners and nothing for a page left early: what the first stage has on
 * top of this is its own client, and this floor is what the up-front bytes cannot go below without
 * smaller shared modules.
 */
import { resolveOptions, type SDKParameters } from '../../src/client/options.ts';
import { VariablesCache } from '../../src/client/variables.ts';
import type { Variation } from '../../src/client/types.ts';
import { cacheKey, type CacheEntry } from '../../src/config/cache.ts';
import { buildModel } from '../../src/config/model.ts';
import type { ConfigurationJson } from '../../src/config/types.ts';
import { FeatureNotFound, NotInitialized } from '../../src/errors.ts';
import { evaluateFlag } from '../../src/evaluation/evaluate.ts';
import { HashMemo } from '../../src/hashing/memo.ts';
import { Logger } from '../../src/logging/logger.ts';
import { createBrowserPlatform } from '../../src/platform/browser/browserPlatform.ts';
import { CORE_CONDITIONS } from '../../src/targeting/coreConditions.ts';
import { nativeUserRegExp } from '../../src/targeting/nativeRegex.ts';
import { createStoragePersistence } from '../../src/visitor/persistence.ts';
import { validateVisitorCode, VisitorCodeCookies } from '../../src/visitor/visitorCode.ts';

export class FloorClient {
  readonly #variation: (visitorCode: string, featureKey: string) => Variation;
  readonly #visitorCode: () => string;

  constructor(params: SDKParameters) {
    const { siteCode, config } = resolveOptions(params);
    const platform = createBrowserPlatform();
    const storage = params.externals?.storage ?? platform.storage;
    const persistence = storage && createStoragePersistence(storage);
    const cookies = new VisitorCodeCookies(platform.visitorCodeManager, platform.random, config.cookieDomain, { external: false, isServer: false, logger: new Logger(params.externals?.logger) });
    const entry = storage?.read(cacheKey(siteCode)) as CacheEntry | null | undefined;
    const model = entry && buildModel((typeof entry.json === 'string' ? JSON.parse(entry.json) : entry.json) as ConfigurationJson, nativeUserRegExp, CORE_CONDITIONS);
    const variables = new VariablesCache();
    const env = { sdk: platform.packageInfo, now: 0, hashes: new HashMemo(), documentCookies: platform.documentCookies };
    this.#visitorCode = () => {
      const { visitorCode } = cookies.resolve(cookies.source(undefined));
      cookies.write(visitorCode, {});
      return visitorCode;
    };
    this.#variation = (visitorCode, featureKey) => {
      validateVisitorCode(visitorCode);
      if (!model) throw new NotInitialized('getVariation');
      const flag = model.flags.get(featureKey);
      if (!flag) throw new FeatureNotFound(featureKey);
      env.now = Date.now();
      const data = persistence?.load(visitorCode)?.extra?.data;
      const visitor = { code: visitorCode, data, mappingIdentifier: undefined, variations: { get: () => undefined, set: () => undefined } as never, forced: undefined, simulated: undefined, consent: 'given' as const };
      return variables.variation(flag, evaluateFlag(model, flag, visitor, env, false, false));
    };
  }

  getVisitorCode(): string {
    return this.#visitorCode();
  }

  getVariation({ visitorCode, featureKey }: { visitorCode: string; featureKey: string }): Variation {
    return this.#variation(visitorCode, featureKey);
  }
}
