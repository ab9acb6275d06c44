import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '../../src/webhooks/webhook-event.js';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { time_ms: number; events: WebhookEvent[] };
}

/** What the receiver does with request number n (0-based): a status, a dropped socket, or no answer yet. */
export type Reply = number | 'reset' | 'hang';

export interface WebhookReceiver {
  url: string;
  /** Every request, including the ones answered with an error. */
  readonly requests: ReceivedWebhook[];
  /** Events of the requests answered 2xx, in order. */
  delivered(): WebhookEvent[];
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<ReceivedWebhook[]>;
  /** Resolves once a 2xx-answered request carried an event matching the predicate. */
  waitForEvent(predicate: (event: WebhookEvent) => boolean): Promise<WebhookEvent>;
  /** Answers every request left hanging with 200. */
  release(): void;
  close(): Promise<void>;
}

/** A real HTTP receiver on port 0 that records raw bodies, as a Laravel webhook controller would see them. */
export async function startWebhookReceiver(reply: (n: number) => Reply = () => 200): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  const accepted: ReceivedWebhook[] = [];
  const hanging: Array<() => void> = [];
  let waiters: Array<() => void> = [];
  const notify = () => {
    const current = waiters;
    waiters = [];
    for (const w of current) w();
  };
  const until = <T>(check: () => T | undefined): Promise<T> => new Promise((resolve) => {
    const attempt = () => {
      const value = check();
      if (value !== undefined) resolve(value);
      else waiters.push(attempt);
    };
    attempt();
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedWebhook = { headers: req.headers, rawBody, body: JSON.parse(rawBody) as ReceivedWebhook['body'] };
      const answer = reply(requests.length);
      requests.push(received);
      const ok = () => {
        accepted.push(received);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        notify();
      };
      if (answer === 'reset') {
        req.socket.destroy();
        notify();
      } else if (answer === 'hang') {
        hanging.push(ok);
        notify();
      } else if (answer >= 200 && answer < 300) {
        ok();
      } else {
        res.writeHead(answer, { 'content-type': 'text/plain' }).end('nope');
        notify();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/pusher/webhooks?token=t0ps3cret`,
    requests,
    delivered: () => accepted.flatMap((r) => r.body.events),
    waitForRequests: (count) => until(() => (requests.length >= count ? requests.slice(0, count) : undefined)),
    waitForEvent: (predicate) => until(() => accepted.flatMap((r) => r.body.events).find(predicate)),
    release: () => {
      for (const ok of hanging.splice(0)) ok();
    },
    close: () => new Promise<void>((resolve) => {
      for (const ok of hanging.splice(0)) ok();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
