import { hash } from 'node:crypto';

const BLOCK = 64;

interface PaddedKey {
  ipad: Buffer;
  /** opad followed by room for the inner digest: the outer hash's whole input. */
  outer: Buffer;
}

// One entry per app secret (the set is fixed at start-up), so the table stays small.
const keys = new Map<string, PaddedKey>();
let scratch = Buffer.allocUnsafe(4096);

function paddedKey(secret: string): PaddedKey {
  let key = keys.get(secret);
  if (key) return key;
  let raw = Buffer.from(secret, 'utf8');
  if (raw.length > BLOCK) raw = hash('sha256', raw, 'buffer');
  const ipad = Buffer.alloc(BLOCK, 0x36);
  const outer = Buffer.alloc(BLOCK + 32, 0);
  outer.fill(0x5c, 0, BLOCK);
  for (let i = 0; i < raw.length; i++) {
    ipad[i]! ^= raw[i]!;
    outer[i]! ^= raw[i]!;
  }
  key = { ipad, outer };
  keys.set(secret, key);
  return key;
}

/**
 * HMAC-SHA256 (RFC 2104) as two one-shot hashes over a cached padded key. Same digest as
 * `createHmac('sha256', secret)`, without building an Hmac object per call: the signed publish is
 * the hot path, and the object costs more than the hashing of a few hundred bytes.
 */
export function hmacSha256(secret: string, payload: string): Buffer {
  const key = paddedKey(secret);
  const needed = BLOCK + payload.length * 3;
  if (scratch.length < needed) scratch = Buffer.allocUnsafe(needed);
  key.ipad.copy(scratch, 0);
  const written = scratch.write(payload, BLOCK, 'utf8');
  hash('sha256', scratch.subarray(0, BLOCK + written), 'buffer').copy(key.outer, BLOCK);
  return hash('sha256', key.outer, 'buffer');
}
