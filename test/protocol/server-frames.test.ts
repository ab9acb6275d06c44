import { describe, expect, it } from 'vitest';
import { connectionEstablishedFrame, subscriptionSucceededFrame } from '../../src/protocol/server-frames.js';

// The handshake frames are joined from parts; they must stay byte-for-byte what serializing the
// frame objects gives, whatever the input holds.
describe('handshake frames', () => {
  it('connection_established is the JSON of the frame object, data a JSON string', () => {
    for (const [socketId, timeout] of [['123.456', 120], ['1.2', 0], ['a"b\\c\u2028', 7.5]] as const) {
      const frame = connectionEstablishedFrame(socketId, timeout);
      expect(frame).toBe(JSON.stringify({ event: 'pusher:connection_established', data: JSON.stringify({ socket_id: socketId, activity_timeout: timeout }) }));
      expect(JSON.parse(JSON.parse(frame).data)).toEqual({ socket_id: socketId, activity_timeout: timeout });
    }
  });

  it('subscription_succeeded is the JSON of the frame object, for plain and presence data', () => {
    const presence = { presence: { ids: ['1'], hash: { 1: { name: 'A "quoted" name' } }, count: 1 } };
    for (const [channel, data] of [['news', undefined], ['presence-room', presence], ['x"y', 'raw']] as const) {
      const expected = JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel, data: typeof data === 'string' ? data : JSON.stringify(data ?? {}) });
      expect(data === undefined ? subscriptionSucceededFrame(channel) : subscriptionSucceededFrame(channel, data)).toBe(expected);
    }
  });
});
