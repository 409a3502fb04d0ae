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

/** The experiment and variation of an exposure line (`eventType=experiment&id=..&variationId=..`), else undefined. */
export function exposureOf(line: string): string | undefined {
  return /^eventType=experiment&id=(\d+)&variationId=([^&]+)/.exec(line)?.slice(1).join(':');
}

/** The visitor code (URI-encoded) of a {@link linesByVisitor} key: linked, a visitor's lines go by its mapping value. */
export const codeOf = (id: string): string => id.slice(id.indexOf('=') + 1);

const isUserAgent = (line: string) => line.startsWith('<userAgent=');

/**
 * The official lines of each batch as ours must send them, where the README documents a
 * difference: the official SDK sends a variation's exposure again in every batch after a tracked
 * evaluation, ours once per variation. An official exposure line is kept the first time the
 * visitor sends that (experiment, variation) only. When nothing is left but exposures sent again,
 * ours has nothing to send for a scheduled visitor, for which the official rule
 * (`BodyProvider.prepareVisitorBody`) is an activity line when consent is provided (the user
 * agent on it), else nothing. Batches must be read in order.
 */
export class OfficialFirstSends {
  readonly #exposed = new Map<string, Set<string>>();
  /** Official exposure lines left out so far. */
  again = 0;

  /** The lines ours must send for visitor `id` (a {@link linesByVisitor} key) in the next batch, from the official ones. */
  expected(id: string, official: readonly string[], consentProvided: () => boolean): string[] {
    const code = codeOf(id);
    let seen = this.#exposed.get(code);
    if (!seen) this.#exposed.set(code, (seen = new Set()));
    let again = 0;
    const kept = official.filter((line) => {
      const exposure = exposureOf(line);
      if (exposure === undefined) return true;
      if (seen.has(exposure)) {
        again++;
        return false;
      }
      seen.add(exposure);
      return true;
    });
    this.again += again;
    if (!again || !kept.every(isUserAgent)) return kept;
    return consentProvided() ? [...kept, `eventType=activity&nonce=<nonce>${id}`] : [];
  }
}
