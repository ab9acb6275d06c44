import type { IncomingMessage } from 'node:http';
import type { App } from '../apps/app.js';
import type { Hub } from '../channels/hub.js';
import { fail, type ApiReply } from '../http/api-reply.js';
import { readBody } from '../http/read-body.js';
import { triggerEvent } from '../http/routes/events.js';
import { CODES } from '../protocol/codes.js';
import { checkWriteRequest } from './console-access.js';
import type { ConsoleEntryInput } from './console-entry.js';

export interface TestEventRequest {
  req: IncomingMessage;
  hub: Hub | undefined;
  apps: readonly App[];
  maxPayloadSize: number;
  /** Where the outcome is logged, so whoever watches the console sees it. */
  log: (entry: ConsoleEntryInput) => void;
  now: () => number;
}

/**
 * "Send a test event": `{app, channel, event, data}` from the console page, published through
 * the HTTP API's own events route (validation, limits, fan-out), so it reaches real subscribers
 * exactly as a publish from Laravel would. Bad input gets `{error, code}` like the API's.
 */
export async function sendTestEvent(request: TestEventRequest): Promise<ApiReply> {
  const { req, hub } = request;
  const write = checkWriteRequest(req);
  if (!write.ok) return fail(write.entry, write.error);
  const read = await readBody(req, request.maxPayloadSize + 4096);
  if (!read.ok) {
    return read.tooLarge
      ? fail(CODES.httpPayloadTooLarge, `The test event is larger than --max-payload-size ${request.maxPayloadSize} bytes`)
      : fail(CODES.httpBadRequest, 'The request body could not be read');
  }
  let form: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(read.body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(CODES.httpBadRequest, 'Send {"app", "channel", "event", "data"}');
    form = parsed as Record<string, unknown>;
  } catch {
    return fail(CODES.httpBadRequest, 'The request body is not JSON');
  }
  const { app: appId, channel, event, data } = form;
  if (typeof appId !== 'string' || typeof channel !== 'string' || typeof event !== 'string' || typeof data !== 'string') {
    return fail(CODES.httpBadRequest, 'app, channel, event and data must be strings');
  }
  try {
    JSON.parse(data);
  } catch {
    return fail(CODES.httpBadRequest, 'data must be valid JSON (e.g. {"hello":"world"})');
  }
  const app = request.apps.find((candidate) => candidate.id === appId);
  if (!hub || !app) return fail(CODES.httpNotFound, `No app with id ${JSON.stringify(appId.slice(0, 100))}`);
  const reply = await triggerEvent(hub, app, Buffer.from(JSON.stringify({ name: event, channel, data })));
  const error = (reply.body as { error?: string }).error;
  request.log({
    time: request.now(), kind: 'console', app: app.id, channel: channel.slice(0, 200), event: event.slice(0, 200), status: reply.status,
    text: reply.status === 200 ? `test event ${event.slice(0, 200)} published from the console` : `test event refused: ${reply.status} ${error ?? ''}`,
  });
  return reply;
}
