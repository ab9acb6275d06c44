import { request } from 'undici';

export type Probe =
  | { ok: true; status: number; body: string; headers: Record<string, string | string[] | undefined> }
  | { ok: false; code: string; reason: string };

const MAX_BODY = 64 * 1024;

function describeError(err: unknown, timeoutMs: number): { code: string; reason: string } {
  const error = err as Error & { code?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return { code: 'TIMEOUT', reason: `no answer within ${timeoutMs} ms` };
  const code = error.code ?? error.cause?.code ?? 'ERROR';
  return { code, reason: explainNetworkCode(code, error.cause?.message ?? error.message) };
}

/** Network error codes in words. */
export function explainNetworkCode(code: string, fallback: string): string {
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused: nothing listens there';
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return 'the host name does not resolve';
    case 'ECONNRESET': return 'the connection was reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': return 'the host is unreachable';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY': return 'its TLS certificate is not trusted here (a local CA? run caddy trust, or set NODE_EXTRA_CA_CERTS)';
    case 'CERT_HAS_EXPIRED': return 'its TLS certificate has expired';
    case 'ERR_TLS_CERT_ALTNAME_INVALID': return 'its TLS certificate is for another host name';
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER': return 'TLS handshake failed (https to a plain-http port?)';
    default: return fallback;
  }
}

/** One HTTP request that never throws: a status and body, or why there was none. */
export async function probe(url: string, options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; timeoutMs: number }): Promise<Probe> {
  try {
    const response = await request(url, {
      method: options.method ?? 'GET',
      headers: options.headers ?? {},
      body: options.body ?? null,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) break;
      chunks.push(chunk as Buffer);
    }
    return { ok: true, status: response.statusCode, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers };
  } catch (err) {
    return { ok: false, ...describeError(err, options.timeoutMs) };
  }
}

/** The `error` of a JSON `{error}` reply, if there is one. */
export function errorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}
