import { randomBytes } from "node:crypto";

/**
 * Prefixed, roughly time-ordered ids (`agt_…`, `usr_…`): 6 bytes of millisecond time then
 * 10 random bytes, base32-ish lowercase. Sorting by id ≈ sorting by creation.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function encode(buf: Buffer): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

// Cryptographic randomness fetched 4 KiB at a time: one syscall per ~400 ids, not per id.
let entropy = Buffer.alloc(0);
let offset = 0;
function random(n: number): Buffer {
  if (offset + n > entropy.length) {
    entropy = randomBytes(4096);
    offset = 0;
  }
  offset += n;
  return entropy.subarray(offset - n, offset);
}

/** `atMs` stamps a historical time (seed:volume); ids still sort by it. */
export function newId(prefix: string, atMs: number = Date.now()): string {
  const buf = Buffer.alloc(16);
  buf.writeUIntBE(atMs, 0, 6);
  random(10).copy(buf, 6);
  return `${prefix}_${encode(buf)}`;
}
