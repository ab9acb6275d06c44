/**
 * Server-Sent Events over fetch(), because EventSource cannot send the Authorization header the
 * token needs (and a token in the URL would land in proxies' logs). Reconnects with back-off.
 */

export interface StreamHandlers {
  onEvent(name: string, data: string): void;
  onOpen(): void;
  onClosed(): void;
  /** 401/403/503: the server said why, in its {error, code} body. Not retried except 503. */
  onRefused(status: number, error: string): void;
}

export function openEventStream(url: string, token: () => string, handlers: StreamHandlers): { stop(): void } {
  let stopped = false;
  let controller: AbortController | undefined;
  let delay = 500;

  const parse = (block: string) => {
    let name = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) name = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) handlers.onEvent(name, data.join('\n'));
  };

  const connect = async (): Promise<void> => {
    controller = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (token() !== '') headers.Authorization = `Bearer ${token()}`;
    try {
      const response = await fetch(url, { headers, signal: controller.signal, cache: 'no-store' });
      if (!response.ok || !response.body) {
        let error = `HTTP ${response.status}`;
        try {
          error = ((await response.json()) as { error?: string }).error ?? error;
        } catch {
          // Not JSON: keep the status line.
        }
        handlers.onRefused(response.status, error);
        if (response.status !== 503) return;
        throw new Error(error);
      }
      delay = 500;
      handlers.onOpen();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Network error or abort: reconnect below unless stopped.
    }
    if (stopped) return;
    handlers.onClosed();
    setTimeout(() => void connect(), delay);
    delay = Math.min(delay * 2, 10_000);
  };

  void connect();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}
