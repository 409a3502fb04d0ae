/**
 * Run after compilation (`node dist/e2e.js <config.json>`): a client started from
 * `configuration.defaultDataFile` answers without the network. Every request goes to the
 * recording requester (answered 503), and `fetch` throws if anything reaches it. Prints one JSON
 * line; the process must end on its own after `close()`.
 */
import { readFileSync } from 'node:fs';
import { CustomData, KameleoonClient, type IExternalRequester } from 'kameleoon-ts';

async function main(): Promise<void> {
  const requests: string[] = [];
  globalThis.fetch = async (input) => {
    requests.push(`fetch ${String(input)}`);
    throw new Error('tests may not use the network');
  };
  const requester: IExternalRequester = {
    async sendRequest({ requestType, url }) {
      requests.push(`${requestType} ${url}`);
      return { status: 503, ok: false, json: async () => ({}), text: async () => '' };
    },
  };
  const client = new KameleoonClient({
    siteCode: 'abc',
    configuration: { defaultDataFile: readFileSync(process.argv[2], 'utf8'), updateInterval: 60 },
    externals: { requester },
  });
  await client.initialize();
  const visitorCode = client.getVisitorCode('visitor-1');
  const checkout = client.getVariation({ visitorCode, featureKey: 'new_checkout', track: false });
  const before = client.getVariation({ visitorCode, featureKey: 'premium_banner', track: false }).key;
  client.addData(visitorCode, new CustomData(1, 'premium'));
  const after = client.getVariation({ visitorCode, featureKey: 'premium_banner', track: false }).key;
  await client.close();
  console.log(JSON.stringify({ visitorCode, checkout: checkout.key, color: checkout.variables.get('color')?.value, before, after, requests, status: client.getConfigurationStatus().status }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
