import type { App } from '../apps/app.js';
import type { Hub } from '../channels/hub.js';
import type { RejectionInfo, ServerObserver, TraceEvent } from '../observers.js';
import { findCodes } from '../protocol/codes.js';
import type { DeliveryResult } from '../webhooks/webhook-sender.js';
import type { WebhookDropReason, WebhookStats } from '../webhooks/webhook-stats.js';
import { previewData, type ConsoleEntryInput } from './console-entry.js';
import type { ConsoleSource } from './console-source.js';

function closeText(code: number): string {
  const known = findCodes(code).find((entry) => entry.kind === 'close');
  return known ? `closed ${code} (${known.id})` : `closed ${code}`;
}

/**
 * This process as a console source: a ServerObserver (and WebhookStats) turning the server's
 * events into console entries. Rejections and webhook drops are always kept (the ring is bounded
 * and rate-sampled), so a console opened just after a refusal still shows it; everything else is
 * traced only while a console watches.
 */
export class LocalConsoleSource implements ConsoleSource, ServerObserver, WebhookStats {
  #sink: ((entry: ConsoleEntryInput) => void) | undefined;
  #hub: Hub | undefined;
  #watched = false;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The running server: its observers' tracing flag follows `setWatched`, and client IPs are looked up in it. */
  attach(hub: Hub): void {
    this.#hub = hub;
    hub.observers.tracing = this.#watched;
  }

  connect(sink: (entry: ConsoleEntryInput) => void): void {
    this.#sink = sink;
  }

  setWatched(watched: boolean): void {
    this.#watched = watched;
    if (this.#hub) this.#hub.observers.tracing = watched;
  }

  #emit(entry: Omit<ConsoleEntryInput, 'time'>): void {
    this.#sink?.({ time: this.#now(), ...entry });
  }

  rejected(info: RejectionInfo): void {
    const { entry } = info;
    this.#emit({
      kind: 'rejection',
      text: info.route === undefined ? `${entry.id}: ${info.detail}` : `HTTP API ${info.route} answered ${entry.code}: ${info.detail.slice(0, 300)}`,
      code: entry.code, reason: entry.id, fix: entry.fix,
      ...(info.appId === undefined ? {} : { app: info.appId }),
      ...(info.ip === undefined ? {} : { ip: info.ip }),
      ...(info.channel === undefined ? {} : { channel: info.channel }),
      ...(info.socketId === undefined ? {} : { socketId: info.socketId }),
    });
  }

  trace(event: TraceEvent): void {
    switch (event.kind) {
      case 'connection_opened':
        this.#emit({ kind: 'connection', text: 'opened', app: event.appId, socketId: event.socketId, ip: event.ip });
        return;
      case 'connection_closed':
        this.#emit({ kind: 'connection', text: closeText(event.code), code: event.code, app: event.appId, socketId: event.socketId, ip: event.ip });
        return;
      case 'subscribed':
      case 'unsubscribed':
        this.#emit({ kind: 'subscription', text: event.kind, app: event.appId, socketId: event.socketId, ip: event.ip, channel: event.channel });
        return;
      case 'signed_in':
        this.#emit({ kind: 'signin', text: `signed in as user ${event.userId.slice(0, 128)}`, app: event.appId, socketId: event.socketId, ip: event.ip });
        return;
      case 'auth_forward':
        this.#emit({
          kind: 'auth', text: `${event.channel === undefined ? 'user auth' : 'channel auth'} forwarded to Laravel: ${event.status} in ${Math.round(event.ms)} ms`,
          status: event.status, ms: Math.round(event.ms), app: event.appId, socketId: event.socketId, ip: event.ip,
          ...(event.channel === undefined ? {} : { channel: event.channel }),
        });
        return;
      case 'api_refused': {
        // The HTTP entries share numbers with the console's own (401); the API's come first.
        const entry = findCodes(event.status).find((candidate) => candidate.kind === 'http');
        this.#emit({
          kind: 'rejection', text: `HTTP API ${event.route} answered ${event.status}: ${event.error.slice(0, 300)}`, code: event.status, ip: event.ip,
          ...(entry ? { reason: entry.id, fix: entry.fix } : {}),
        });
        return;
      }
      case 'api_publish': {
        const channels = event.channels.length === 1 ? event.channels[0]! : `${event.channels.length} channels`;
        this.#emit({
          kind: 'api', text: `published ${event.event} to ${channels} (${event.bytes} bytes, ${event.recipients} recipients${event.exceptSocketId ? `, except ${event.exceptSocketId}` : ''})`,
          app: event.appId, channel: event.channels.join(','), event: event.event, data: previewData(event.data), bytes: event.bytes,
          ...(event.exceptSocketId ? { socketId: event.exceptSocketId } : {}),
        });
        return;
      }
    }
  }

  clientEvent(app: App, channel: string, event: string, data: string, socketId: string, userId?: string): void {
    if (!this.#watched) return;
    const ip = this.#hub?.state(app)?.connections.get(socketId)?.ip;
    this.#emit({
      kind: 'client_event', text: `client event ${event}${userId === undefined ? '' : ` from user ${userId}`}`,
      app: app.id, channel, event, socketId, data: previewData(data), bytes: Buffer.byteLength(data),
      ...(ip === undefined ? {} : { ip }),
    });
  }

  webhookAttempt(appId: string, result: DeliveryResult['kind'], seconds: number): void {
    if (!this.#watched) return;
    const ms = Math.round(seconds * 1000);
    this.#emit({ kind: 'webhook', text: result === 'delivered' ? `webhook sent (${ms} ms)` : `webhook failed: ${result} (${ms} ms)`, app: appId, ms });
  }

  webhookDropped(appId: string, reason: WebhookDropReason, events: number): void {
    this.#emit({ kind: 'webhook', text: `webhook gave up on ${events} event${events === 1 ? '' : 's'}: ${reason}`, app: appId });
  }
}
