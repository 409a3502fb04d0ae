/**
 * Values as the /full build's DEBUG lines show them: short, one line, and never a secret. Never
 * throws (getters, proxies and cycles included).
 */

/** Keys whose values are never shown (OAuth credentials, tokens, cookies' contents of requests). */
const SECRET = /secret|token|password|authori[sz]ation|credential/i;
const MAX_TEXT = 120;
const MAX_ITEMS = 8;

/** `value` in one line, cut to a readable length; secrets as `***`. */
export function describe(value: unknown, depth = 0): string {
  try {
    return describeUnsafe(value, depth);
  } catch {
    return '?';
  }
}

function describeUnsafe(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return '[function]';
  if (typeof value === 'symbol') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (depth >= 3) return Array.isArray(value) ? '[…]' : '{…}';
  const more = (n: number) => (n > MAX_ITEMS ? `, …${n - MAX_ITEMS} more` : '');
  if (Array.isArray(value)) return `[${value.slice(0, MAX_ITEMS).map((v) => describe(v, depth + 1)).join(', ')}${more(value.length)}]`;
  if (value instanceof Map) {
    const entries = [...value.entries()];
    return `Map(${value.size}) {${entries.slice(0, MAX_ITEMS).map(([k, v]) => `${describe(k, depth + 1)} => ${describe(v, depth + 1)}`).join(', ')}${more(entries.length)}}`;
  }
  if (value instanceof Set) return `Set(${value.size})`;
  const prototype: unknown = Object.getPrototypeOf(value);
  const name = prototype === null || prototype === Object.prototype ? '' : (value as { constructor?: { name?: unknown } }).constructor?.name;
  // Requests, responses, cookie stores, Next.js objects: their name only (they hold cookies and headers).
  if (name !== '' && !isDataClass(value)) return `[${typeof name === 'string' && name ? name : 'object'}]`;
  const keys = Object.keys(value).filter((key) => key !== 'kind');
  const fields = keys.slice(0, MAX_ITEMS).map((key) => `${key}: ${SECRET.test(key) ? '***' : describe((value as Record<string, unknown>)[key], depth + 1)}`);
  return `${name ? `${name} ` : ''}{${fields.join(', ')}${more(keys.length)}}`;
}

/** The SDK's data classes (CustomData, PageView...) and errors' details are shown with their fields. */
function isDataClass(value: object): boolean {
  return typeof (value as { kind?: unknown }).kind === 'string';
}
