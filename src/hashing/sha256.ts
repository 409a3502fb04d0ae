/**
 * SHA-256 of the UTF-8 bytes of a string, synchronous and allocation-free on the hot path.
 * Browsers only offer SubtleCrypto, which is asynchronous; evaluation must not wait, so the
 * digest is computed here. Inputs are short (visitor code + an id), usually a single block.
 */

/** Round constants and initial hash: the first 32 fraction bits of the cube roots of the first 64
 * primes and of the square roots of the first 8 (FIPS 180-4 §4.2.2, §5.3.3). Computed rather than
 * listed: 600 bytes of random digits cost a page more than these lines. Every value is at least
 * 0.005 away from a rounding boundary, so no correctly-behaved Math.cbrt can be off by one; the
 * tests compare digests with node:crypto. */
const K = new Int32Array(64);
const H0 = new Int32Array(8);
for (let n = 2, found = 0; found < 64; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
  if (!prime) continue;
  if (found < 8) H0[found] = (Math.sqrt(n) % 1) * 2 ** 32;
  K[found++] = (Math.cbrt(n) % 1) * 2 ** 32;
}

const W = new Int32Array(64);
let bytes = new Uint8Array(256);
let view = new DataView(bytes.buffer);

const encoder = new TextEncoder();
const H = new Int32Array(8);

/** Runs the compression function over the block in W[0..15], updating H. */
function compress(): void {
  for (let t = 16; t < 64; t++) {
    const x = W[t - 15];
    const y = W[t - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
  }
  let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t] + W[t]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
  H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
}

/**
 * Computes SHA-256 of `input + suffix` (UTF-8) into `out` as eight big-endian 32-bit words.
 * The two parts are read in place: a concatenation would be a new string, which V8 also
 * flattens (copies again) on its first character read. ASCII (visitor code + id, the usual
 * case) is copied a byte per character; anything else is encoded (a lone surrogate becomes
 * U+FFFD, as in crypto-js).
 * @param input - any string
 * @param out - receives the digest; reused by callers to avoid allocation
 * @param suffix - hashed after `input`, as if concatenated
 */
export function sha256Words(input: string, out: Int32Array, suffix = ''): void {
  const head = input.length;
  let len = head + suffix.length;
  if (bytes.length < len * 3 + 72) {
    bytes = new Uint8Array(len * 3 + 72);
    view = new DataView(bytes.buffer);
  }
  for (let i = 0; i < len; i++) {
    const c = i < head ? input.charCodeAt(i) : suffix.charCodeAt(i - head);
    if (c > 127) {
      len = encoder.encodeInto(input + suffix, bytes).written;
      break;
    }
    bytes[i] = c;
  }
  // Padding: 0x80, zeros, then the bit length in the last two words.
  const total = ((len + 72) >> 6) << 6;
  bytes.fill(0, len, total);
  bytes[len] = 0x80;
  H.set(H0);
  for (let off = 0; off < total; off += 64) {
    for (let t = 0; t < 16; t++) W[t] = view.getInt32(off + t * 4);
    if (off + 64 === total) {
      W[14] = len / 0x20000000;
      W[15] = len * 8;
    }
    compress();
  }
  out.set(H);
}

/** SHA-256 of `input` (UTF-8) as 64 lower-case hex characters. */
export function sha256Hex(input: string): string {
  const words = new Int32Array(8);
  sha256Words(input, words);
  let hex = '';
  for (const w of words) hex += (w >>> 0).toString(16).padStart(8, '0');
  return hex;
}
