// The body the publish scenarios send: one ~100-byte event to a channel nobody is on, or a
// batch_events of `batch` such events (each to its own empty channel), as Laravel sends them.

/** @param {{appId: string, channel?: string, batch?: number}} o @returns {{path: string, body: string}} */
export function publishRequest({ appId, channel = 'bench-empty', batch = 0 }) {
  const event = (name) => ({ name: 'bench-event', channel: name, data: JSON.stringify({ message: 'x'.repeat(80) }) });
  if (!batch) return { path: `/apps/${appId}/events`, body: JSON.stringify(event(channel)) };
  return {
    path: `/apps/${appId}/batch_events`,
    body: JSON.stringify({ batch: Array.from({ length: batch }, (_, i) => event(`${channel}-${i}`)) }),
  };
}
