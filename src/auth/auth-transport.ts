import { Agent, request } from 'undici';

export interface AuthHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Aborted by the caller on --auth-timeout or shutdown. */
  signal: AbortSignal;
  /** Bytes of a 200 body to read at most (--max-auth-body). */
  maxBody: number;
}

/**
 * What came back. Only a 200's body is read (capped); other bodies are drained and dropped. Never
 * a rejected promise: a connection problem is `{ kind: 'error', code }`, with the error's code
 * only, since messages may quote the URL.
 */
export type AuthHttpReply =
  | { kind: 'reply'; status: number; body?: string; tooLarge?: boolean }
  | { kind: 'error'; code: string };

export type AuthTransport = (request: AuthHttpRequest) => Promise<AuthHttpReply>;

export interface UndiciTransport {
  send: AuthTransport;
  close(): Promise<void>;
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBody: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBody) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * POSTs over one undici Agent: keep-alive connections to Laravel, at most `connections` of them
 * (the concurrency cap is enforced before this, this is the backstop).
 */
export function createUndiciTransport(options: { connections: number; timeoutMs: number }): UndiciTransport {
  const agent = new Agent({
    connections: options.connections,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
  });
  return {
    async send(req) {
      try {
        const { statusCode, headers, body } = await request(req.url, {
          method: 'POST', headers: req.headers, body: req.body, signal: req.signal, dispatcher: agent,
        });
        if (statusCode !== 200) {
          await body.dump({ limit: req.maxBody }).catch(() => undefined);
          return { kind: 'reply', status: statusCode };
        }
        const declared = Number(headers['content-length']);
        if (Number.isFinite(declared) && declared > req.maxBody) {
          body.destroy();
          return { kind: 'reply', status: statusCode, tooLarge: true };
        }
        const text = await readCapped(body, req.maxBody);
        return text === undefined ? { kind: 'reply', status: statusCode, tooLarge: true } : { kind: 'reply', status: statusCode, body: text };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return { kind: 'error', code: typeof code === 'string' ? code : ((err as Error).name ?? 'Error') };
      }
    },
    close: () => agent.close(),
  };
}
