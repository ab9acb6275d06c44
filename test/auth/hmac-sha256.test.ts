import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../src/auth/hmac-sha256.js';

describe('hmacSha256Hex', () => {
  it('equals createHmac for short, block-sized, long and non-ASCII secrets and payloads', () => {
    for (const secret of ['s', 'x'.repeat(64), 'y'.repeat(65), 'ключ-秘密', '', 'é', '\u0080'.repeat(64), 'z'.repeat(200)]) {
      for (const payload of ['', 'POST\n/apps/1/events\nauth_key=k', 'é'.repeat(3000), '\u00ff\u0100 latin1 and beyond', '😀']) {
        expect(hmacSha256Hex(secret, payload)).toBe(createHmac('sha256', secret).update(payload).digest('hex'));
      }
    }
  });
});
