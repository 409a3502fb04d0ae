/** The offline client the hostile-configuration suites (configs.test.ts, regex.test.ts) start on a document. */
import { KameleoonClient } from '../../src/node.ts';
import { notModifiedRequester } from '../client/helpers.ts';
import { silentLogger } from './fuzzKit.ts';

/** A client on `defaultDataFile`, offline (the background refresh gets a 304). */
export function offlineClient(defaultDataFile: unknown): KameleoonClient {
  return new KameleoonClient({
    siteCode: 'hostile-site',
    configuration: { defaultDataFile: defaultDataFile as never },
    externals: { logger: silentLogger, requester: notModifiedRequester },
  });
}
