/** Tracking request bodies of the differential tests, read line by line. */

/**
 * Lines by visitor identifier (the `&visitorCode=` or `&mappingValue=` parameter), nonces masked.
 * The official SDK keys a visitor's conversions by a random id, so their relative order is random:
 * each run of consecutive conversion lines is sorted (the user agent, which rides on the first
 * line, is taken out of it first).
 */
export function linesByVisitor(bodies: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const body of bodies) {
    for (const line of body.split('\n')) {
      const id = /&(visitorCode|mappingValue)=([^&]*)/.exec(line)?.[0] ?? '<none>';
      const masked = line.replace(/&nonce=[0-9A-F]{16}/, '&nonce=<nonce>');
      let lines = out.get(id);
      if (!lines) out.set(id, (lines = []));
      // The user agent rides on a visitor's first line: compared on its own, before that line.
      const ua = masked.indexOf('&userAgent=');
      if (ua >= 0) lines.push(`<${masked.slice(ua + 1)} on the first line>`, masked.slice(0, ua));
      else lines.push(masked);
    }
  }
  const isConversion = (line: string) => line.startsWith('eventType=conversion&');
  for (const lines of out.values()) {
    for (let i = 0; i < lines.length; i++) {
      let j = i;
      while (j < lines.length && isConversion(lines[j])) j++;
      if (j - i > 1) lines.splice(i, j - i, ...lines.slice(i, j).sort());
      i = j;
    }
  }
  return out;
}
