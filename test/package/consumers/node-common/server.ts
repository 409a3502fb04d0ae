/**
 * What only the Node.js entry offers: the client factory of Kameleoon's server SDKs, the YAML
 * configuration file, the store, and visitor codes read from requests.
 */
import http from 'node:http';
import {
  KameleoonClientFactory,
  KameleoonStore,
  mergeConfiguration,
  readConfigurationFile,
  type FileConfiguration,
  type KameleoonClient,
} from 'kameleoon-ts';
import * as node from 'kameleoon-ts/node';

const client: KameleoonClient = KameleoonClientFactory.create('abc', {
  configurationPath: '/etc/kameleoon/client-nodejs.yaml',
  configuration: { updateInterval: 60, environment: 'production' },
});
const sameClient: node.KameleoonClient = node.KameleoonClientFactory.create('abc');
const settings: FileConfiguration = mergeConfiguration(readConfigurationFile('/etc/kameleoon/client-nodejs.yaml'), { environment: 'staging' });
const store = new KameleoonStore(sameClient);

export const server = http.createServer((req, res) => {
  const visitorCode = client.getVisitorCode({ request: req, response: res });
  const { key } = client.getVariation({ visitorCode, featureKey: 'new_checkout' });
  res.end(JSON.stringify({ key, settings, status: store.state.getState().status.status }));
});

export async function shutdown(): Promise<void> {
  await KameleoonClientFactory.forget('abc');
  await node.KameleoonClientFactory.forgetAll();
}
