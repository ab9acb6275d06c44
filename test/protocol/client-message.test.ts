import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../src/protocol/client-message.js';

describe('parseClientMessage', () => {
  it('parses what pusher-js sends', () => {
    expect(parseClientMessage('{"event":"pusher:ping","data":{}}')).toEqual({ ok: true, message: { type: 'ping' } });
    expect(parseClientMessage('{"event":"pusher:subscribe","data":{"auth":"","channel":"news"}}')).toEqual({
      ok: true, message: { type: 'subscribe', channel: 'news', auth: '' },
    });
    expect(parseClientMessage('{"event":"pusher:subscribe","data":{"auth":"k:s","channel_data":"{\\"user_id\\":\\"1\\"}","channel":"presence-a"}}')).toEqual({
      ok: true, message: { type: 'subscribe', channel: 'presence-a', auth: 'k:s', channelData: '{"user_id":"1"}' },
    });
    expect(parseClientMessage('{"event":"pusher:signin","data":{"auth":"k:s","user_data":"{}"}}')).toEqual({
      ok: true, message: { type: 'signin', auth: 'k:s', userData: '{}' },
    });
    // Server-side sign-in: Laravel supplies user_data, so an empty auth may come without it.
    expect(parseClientMessage('{"event":"pusher:signin","data":{"auth":""}}')).toEqual({ ok: true, message: { type: 'signin', auth: '' } });
    expect(parseClientMessage('{"event":"pusher:signin","data":{"auth":"k:s"}}')).toMatchObject({ ok: false });
    expect(parseClientMessage('{"event":"client-typing","data":{"a":1},"channel":"private-c"}')).toEqual({
      ok: true, message: { type: 'client-event', event: 'client-typing', channel: 'private-c', data: { a: 1 } },
    });
  });

  it('accepts data as a JSON string, and a missing auth as empty', () => {
    expect(parseClientMessage('{"event":"pusher:unsubscribe","data":"{\\"channel\\":\\"x\\"}"}')).toEqual({ ok: true, message: { type: 'unsubscribe', channel: 'x' } });
    expect(parseClientMessage('{"event":"pusher:subscribe","data":{"channel":"x"}}')).toMatchObject({ ok: true, message: { auth: '' } });
  });

  it('returns a reason instead of throwing for malformed input', () => {
    for (const text of ['', 'nope', 'null', '3', '[]', '{}', '{"event":""}', '{"event":1}', '{"event":"pusher:subscribe"}', '{"event":"pusher:subscribe","data":{"channel":["x"]}}', '{"event":"client-x"}']) {
      const result = parseClientMessage(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
    }
  });

  it('passes unknown events through for the caller to answer', () => {
    expect(parseClientMessage('{"event":"pusher:weird"}')).toEqual({ ok: true, message: { type: 'unknown', event: 'pusher:weird' } });
  });
});
