import { describe, expect, it } from 'vitest';
import { describeChannel, isCacheChannel, isValidChannelName, isValidUserId } from '../../src/protocol/channel-names.js';

describe('channel names', () => {
  it('classifies every prefix, including cache variants', () => {
    expect(describeChannel('news')).toEqual({ kind: 'public', cache: false });
    expect(describeChannel('cache-news')).toEqual({ kind: 'public', cache: true });
    expect(describeChannel('private-a')).toEqual({ kind: 'private', cache: false });
    expect(describeChannel('private-cache-a')).toEqual({ kind: 'private', cache: true });
    expect(describeChannel('presence-a')).toEqual({ kind: 'presence', cache: false });
    expect(describeChannel('presence-cache-a')).toEqual({ kind: 'presence', cache: true });
    expect(describeChannel('private-encrypted-a')).toEqual({ kind: 'encrypted', cache: false });
    expect(describeChannel('private-encrypted-cache-a')).toEqual({ kind: 'encrypted', cache: true });
    expect(describeChannel('#server-to-user-1')).toEqual({ kind: 'user', cache: false });
    for (const name of ['news', 'cache-news', 'private-cache-a', 'presence-cache-a', 'private-encrypted-cache-a', 'private-encrypted-a', '#server-to-user-cache-1', 'cachex']) {
      expect(isCacheChannel(name), name).toBe(describeChannel(name).cache);
    }
  });

  it('accepts the Pusher charset up to the length limit, and # only for server-to-user', () => {
    expect(isValidChannelName('private-App.Models.User.1', 200)).toBe(true);
    expect(isValidChannelName('a-b_c=d@e,f.g;h', 200)).toBe(true);
    expect(isValidChannelName('x'.repeat(200), 200)).toBe(true);
    expect(isValidChannelName('x'.repeat(201), 200)).toBe(false);
    for (const bad of ['', 'has space', 'slash/no', 'ünïcode', '#other', '#server-to-user-', 'a:b']) expect(isValidChannelName(bad, 200), bad).toBe(false);
    expect(isValidChannelName('#server-to-user-42', 200)).toBe(true);
    expect(isValidUserId('42')).toBe(true);
    expect(isValidUserId('')).toBe(false);
    expect(isValidUserId('x'.repeat(129))).toBe(false);
  });

  it("takes exactly Pusher's charset [-a-zA-Z0-9_=@,.;], character by character", () => {
    const charset = /^[-a-zA-Z0-9_=@,.;]+$/;
    for (let code = 0; code < 0x300; code++) {
      const name = `a${String.fromCharCode(code)}b`;
      expect(isValidChannelName(name, 200), `U+${code.toString(16)}`).toBe(charset.test(name));
      expect(isValidUserId(String.fromCharCode(code)), `U+${code.toString(16)}`).toBe(charset.test(String.fromCharCode(code)));
    }
    expect(isValidChannelName('a\u{1F600}', 200)).toBe(false);
  });
});
