import { describe, expect, it } from 'vitest';
import { closeReason } from '../../src/protocol/close-reason.js';

describe('closeReason', () => {
  it('keeps short reasons and cuts long ones to 123 bytes without splitting a character', () => {
    expect(closeReason('Over capacity')).toBe('Over capacity');
    expect(closeReason('x'.repeat(200))).toHaveLength(123);
    const cut = closeReason('é'.repeat(100));
    expect(Buffer.byteLength(cut)).toBe(122);
    expect(cut).toBe('é'.repeat(61));
    expect(Buffer.byteLength(closeReason('😀'.repeat(40)))).toBe(120);
  });
});
