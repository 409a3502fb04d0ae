/**
 * SHA-256 of the UTF-8 bytes of a string, synchronous and allocation-free on the hot path.
 * Browsers only offer SubtleCrypto, which is asynchronous; evaluation must not wait, so the
 * digest is computed here. Inputs are short (visitor code + an id), usually a single block.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const W = new Int32Array(64);
let bytes = new Uint8Array(256);

/** Writes the UTF-8 encoding of `s` into `bytes` (growing it) and returns the byte length. */
function encodeUtf8(s: string): number {
  if (bytes.length < s.length * 3 + 72) bytes = new Uint8Array(s.length * 3 + 72);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      bytes[n++] = c;
    } else if (c < 0x800) {
      bytes[n++] = 0xc0 | (c >> 6);
      bytes[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          bytes[n++] = 0xf0 | (c >> 18);
          bytes[n++] = 0x80 | ((c >> 12) & 63);
          bytes[n++] = 0x80 | ((c >> 6) & 63);
          bytes[n++] = 0x80 | (c & 63);
          continue;
        }
      }
      // A lone surrogate encodes as U+FFFD, as TextEncoder and crypto-js's Utf8 parser do.
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      bytes[n++] = 0xe0 | (c >> 12);
      bytes[n++] = 0x80 | ((c >> 6) & 63);
      bytes[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

const H = new Int32Array(8);

/** Loads W[0..15] with the one padded block of an ASCII string of at most 55 characters; false otherwise. */
function loadAsciiBlock(input: string): boolean {
  const len = input.length;
  if (len > 55) return false;
  W.fill(0, 0, 16);
  for (let i = 0; i < len; i++) {
    const c = input.charCodeAt(i);
    if (c >= 0x80) return false;
    W[i >> 2] |= c << (24 - 8 * (i & 3));
  }
  W[len >> 2] |= 0x80 << (24 - 8 * (len & 3));
  W[15] = len * 8;
  return true;
}

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
 * Computes SHA-256 of `input` (UTF-8) into `out` as eight big-endian 32-bit words.
 * Short ASCII inputs (visitor code + id, the usual case) are read straight into one block.
 * @param input - any string
 * @param out - receives the digest; reused by callers to avoid allocation
 */
export function sha256Words(input: string, out: Int32Array): void {
  H[0] = 0x6a09e667; H[1] = 0xbb67ae85 | 0; H[2] = 0x3c6ef372; H[3] = 0xa54ff53a | 0;
  H[4] = 0x510e527f; H[5] = 0x9b05688c | 0; H[6] = 0x1f83d9ab; H[7] = 0x5be0cd19;
  if (loadAsciiBlock(input)) {
    compress();
  } else {
    const len = encodeUtf8(input);
    // Padding: 0x80, zeros, 64-bit big-endian bit length.
    const total = ((len + 9 + 63) >> 6) << 6;
    bytes[len] = 0x80;
    bytes.fill(0, len + 1, total);
    const bitLen = len * 8;
    bytes[total - 4] = bitLen >>> 24;
    bytes[total - 3] = (bitLen >>> 16) & 255;
    bytes[total - 2] = (bitLen >>> 8) & 255;
    bytes[total - 1] = bitLen & 255;
    bytes[total - 5] = (len / 0x20000000) & 255;
    for (let off = 0; off < total; off += 64) {
      for (let t = 0; t < 16; t++) {
        const j = off + t * 4;
        W[t] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
      }
      compress();
    }
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
