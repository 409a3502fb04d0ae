/**
 * `npm run demo -- --table`: evaluates the demo configuration (demo/demo-config.json) for a few visitors,
 * offline, and prints who gets which variation and why. It uses only the package's public
 * entry, as an application would.
 */
import { readFileSync } from 'node:fs';
import { CustomData, KameleoonClient, type KameleoonDataType } from 'kameleoon-ts';

const config = readFileSync(new URL('./demo-config.json', import.meta.url), 'utf8');

const visitors: { code: string; label: string; data: KameleoonDataType[] }[] = [
  { code: 'alice-premium', label: 'premium plan', data: [new CustomData('plan', 'premium')] },
  { code: 'bruno-fr-cart', label: 'FR, cart 250', data: [new CustomData('country', 'FR'), new CustomData('cartValue', '250')] },
  { code: 'qa_chloe', label: 'QA account, DE, cart 300', data: [new CustomData('country', 'DE'), new CustomData('cartValue', '300')] },
  { code: 'dmitri', label: 'no data', data: [] },
  { code: 'emma-free', label: 'free plan', data: [new CustomData('plan', 'free')] },
  { code: 'farid', label: 'no data', data: [] },
];

const client = new KameleoonClient({
  siteCode: 'demo-site',
  configuration: { defaultDataFile: config },
  // Offline: the background refresh after defaultDataFile hears "not modified" instead of going to Kameleoon.
  externals: { requester: { sendRequest: async () => new Response(null, { status: 304 }) } },
});
await client.initialize();

const rows: string[][] = [['flag', 'visitor', 'data', 'variation', 'id', 'experiment', 'reason']];
for (const visitor of visitors) {
  if (visitor.data.length) client.addData(visitor.code, ...visitor.data);
  for (const { key } of client.getFeatureFlags()) {
    const { variation, reason } = client.getVariationDetails({ visitorCode: visitor.code, featureKey: key, track: false });
    const why =
      reason.kind === 'RULE_MATCH' ? `rule ${reason.ruleId} (${reason.ruleType === 'TARGETED_DELIVERY' ? 'targeted delivery' : 'experiment'})`
      : reason.kind === 'DEFAULT' ? `default: ${reason.why.toLowerCase().replaceAll('_', ' ')}`
      : reason.kind === 'ERROR' ? `error: ${reason.error.type}`
      : reason.kind.toLowerCase();
    rows.push([key, visitor.code, visitor.label, variation?.key ?? '-', String(variation?.id ?? '-'), String(variation?.experimentId ?? '-'), why]);
  }
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ');
console.log(`Kameleoon demo: ${visitors.length} visitors x ${client.getFeatureFlags().length} flags, configuration demo/demo-config.json (offline)\n`);
console.log(line(rows[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
let previous = '';
for (const r of rows.slice(1)) {
  if (previous && r[0] !== previous && r[1] !== rows[rows.indexOf(r) - 1][1]) console.log('');
  previous = r[0];
  console.log(line(r));
}
await client.close();
