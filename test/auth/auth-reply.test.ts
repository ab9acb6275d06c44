import { describe, expect, it } from 'vitest';
import { parseChannelAuthReply, parseUserAuthReply } from '../../src/auth/auth-reply.js';

describe('parseChannelAuthReply', () => {
  it("accepts Laravel's private, presence and encrypted replies", () => {
    expect(parseChannelAuthReply('{"auth":"k:abc"}')).toEqual({ ok: true, auth: 'k:abc' });
    expect(parseChannelAuthReply('{"auth":"k:abc","channel_data":"{\\"user_id\\":\\"1\\"}"}')).toEqual({ ok: true, auth: 'k:abc', channelData: '{"user_id":"1"}' });
    expect(parseChannelAuthReply('{"auth":"k:abc","shared_secret":"c2VjcmV0"}')).toEqual({ ok: true, auth: 'k:abc', sharedSecret: 'c2VjcmV0' });
  });

  it('refuses anything else without throwing', () => {
    for (const body of ['<html>', '', 'null', '[]', '"auth"', '{}', '{"auth":""}', '{"auth":1}', '{"auth":"k:a","channel_data":{"user_id":1}}', '{"auth":"k:a","shared_secret":5}']) {
      expect(parseChannelAuthReply(body).ok, body).toBe(false);
    }
  });
});

describe('parseUserAuthReply', () => {
  it('needs auth and user_data strings', () => {
    expect(parseUserAuthReply('{"auth":"k:abc","user_data":"{\\"id\\":\\"1\\"}"}')).toEqual({ ok: true, auth: 'k:abc', userData: '{"id":"1"}' });
    expect(parseUserAuthReply('{"auth":"k:abc"}').ok).toBe(false);
    expect(parseUserAuthReply('{"auth":"k:abc","user_data":{"id":"1"}}').ok).toBe(false);
  });
});
