import { msg } from '../logging/msg.ts';
/**
 * The check of the constructor's parameters for keys the SDK does not know and values it had to
 * clamp, loaded after the client is built (it is a diagnostic: its bytes stay out of the bundle a
 * page loads up front).
 */

/** The names each level of the parameters accepts; anything else gets a warning. */
const KNOWN: Record<string, string> = {
  '': 'siteCode configuration externals _internals credentials stubMode compatibility',
  configuration: 'environment updateInterval dataFileRefreshInterval dataFileCacheTtl requestTimeout trackingInterval closeTimeout targetingDataCleanupInterval cookieDomain networkDomain defaultDataFile sessionDuration endpoints clientId clientSecret',
  'configuration.endpoints': 'configuration tracking realTime dataApi api',
  externals: 'requester storage eventSource visitorCodeManager logger',
  _internals: 'packageInfo prng platformAnalyzer trackingLimits minTrackingInterval configurationResponse',
  credentials: 'clientId clientSecret',
};

/** Edit distance of two short names (case-insensitive), for "did you mean". */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/**
 * Warnings for the keys of the parameters that no level knows (a typo, or an option of a newer
 * official version): each names the closest known key when one is near. In a `browser`, also for
 * credentials, which only servers use.
 */
export function unknownKeys(params: object, browser = false): string[] {
  const found: string[] = [];
  const c = params as { configuration?: { clientId?: unknown; clientSecret?: unknown }; credentials?: { clientId?: unknown; clientSecret?: unknown } };
  if (browser && (c.configuration?.clientSecret ?? c.credentials?.clientSecret ?? c.configuration?.clientId ?? c.credentials?.clientId) != null) {
    found.push(msg`clientId and clientSecret are not used in a browser: a secret in a page is public, and the Data API answers browsers without a token. Keep them on servers (the Node and edge builds).`);
  }
  // Values the client changed to fit the official ranges.
  const p = params as { configuration?: { trackingInterval?: unknown }; _internals?: { minTrackingInterval?: number } };
  const interval = p.configuration?.trackingInterval;
  const min = p._internals?.minTrackingInterval ?? 1000;
  if (typeof interval === 'number' && (interval < min || interval > 5000)) {
    found.push(msg`configuration.trackingInterval ${interval} is out of range: ${Math.min(5000, Math.max(min, interval))} ms is used (1000 to 5000 ms, as the official SDK 4.18).`);
  }
  for (const [path, names] of Object.entries(KNOWN)) {
    const value: unknown = path.split('.').reduce<unknown>((o, k) => (k && o ? (o as Record<string, unknown>)[k] : o), params);
    if (!value || typeof value !== 'object') continue;
    const known = names.split(' ');
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const near = known.reduce((best, k) => (distance(key, k) < distance(key, best) ? k : best));
      const name = path ? `${path}.${key}` : key;
      found.push(msg`Unknown ${path ? 'option' : 'parameter'} "${name}" ignored${distance(key, near) <= Math.max(2, key.length >> 2) ? msg` (did you mean "${path ? `${path}.` : ''}${near}"?)` : ''}; it may belong to a newer official SDK version. Known: ${names.replace(/ /g, ', ')}.`);
    }
  }
  return found;
}
