import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../src/auth/hmac-sha256.js';

describe('hmacSha256', () => {
  it('equals createHmac for short, block-sized, long and non-ASCII secrets and payloads', () => {
    for (const secret of ['s', 'x'.repeat(64), 'y'.repeat(65), 'ключ-秘密', '']) {
      for (const payload of ['', 'POST\n/apps/1/events\nauth_key=k', 'é'.repeat(3000)]) {
        expect(hmacSha256(secret, payload).toString('hex')).toBe(createHmac('sha256', secret).update(payload).digest('hex'));
      }
    }
  });
});
