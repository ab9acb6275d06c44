/**
 * A WebSocket close reason fits in 123 bytes of UTF-8 (RFC 6455 §5.5: 125-byte control payload
 * minus the code); `ws` throws a RangeError past that. Reasons can quote client input (an Origin
 * header may carry any latin1 bytes), so they are cut by bytes, never mid-character.
 */
export function closeReason(text: string, maxBytes = 123): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}
