import type { Registry } from 'prom-client';
import type { Hub } from '../channels/hub.js';
import { METRIC_PREFIX } from '../metrics/metrics.js';
import type { ChannelRow, NowSample } from './page/now-sample.js';

export type { ChannelRow, NowSample };

/** Channels listed at most, and presence members per channel, so a big server stays a small page. */
const MAX_CHANNELS = 200;
const MAX_MEMBERS = 50;

interface Totals {
  at: number;
  messagesIn: number;
  messagesOut: number;
  rejections: Map<string, number>;
}

async function values(registry: Registry, name: string): Promise<Array<{ value: number; labels: Record<string, string | number> }>> {
  const metric = registry.getSingleMetric(METRIC_PREFIX + name);
  if (!metric) return [];
  return (await metric.get()).values as Array<{ value: number; labels: Record<string, string | number> }>;
}

/**
 * The console's "Now" panel, read once a second while a console is open: rates come from the
 * Prometheus counters the server already keeps (so the hot paths do no extra counting), gauges
 * and the channel list from the hub.
 */
export class NowSampler {
  #last: Totals | undefined;

  constructor(private readonly registry: Registry, private readonly hub: Hub, private readonly now: () => number = Date.now) {}

  async sample(): Promise<NowSample> {
    const at = this.now();
    const sum = (rows: Array<{ value: number }>) => rows.reduce((n, row) => n + row.value, 0);
    const rejections = new Map<string, number>();
    for (const row of await values(this.registry, 'rejections_total')) {
      const code = String(row.labels.code ?? '?');
      rejections.set(code, (rejections.get(code) ?? 0) + row.value);
    }
    const totals: Totals = {
      at,
      messagesIn: sum(await values(this.registry, 'messages_received_total')),
      messagesOut: sum(await values(this.registry, 'messages_sent_total')),
      rejections,
    };
    const last = this.#last ?? totals;
    this.#last = totals;
    const seconds = Math.max(0.001, (totals.at - last.at) / 1000);
    const perSecond = (now: number, before: number) => (totals === last ? 0 : Math.max(0, now - before) / seconds);
    const rejectionsPerSecond: Record<string, number> = {};
    for (const [code, n] of rejections) {
      const rate = perSecond(n, last.rejections.get(code) ?? 0);
      if (rate > 0) rejectionsPerSecond[code] = Math.round(rate * 10) / 10;
    }
    // The whole cluster's channels, from the shared state (one node's index when Redis is down).
    let channels = 0;
    const channelList: ChannelRow[] = [];
    for (const state of this.hub.states()) {
      const appId = state.app.id;
      let summaries: Map<string, { subscriptionCount: number; userCount?: number }>;
      try {
        summaries = await this.hub.cluster.channels(appId);
      } catch {
        summaries = new Map([...state.channels.values()].map((c) => [c.name, { subscriptionCount: c.subscribers.size }]));
      }
      channels += summaries.size;
      for (const [name, summary] of summaries) {
        if (channelList.length >= MAX_CHANNELS) break;
        const row: ChannelRow = { app: appId, name, subscribers: summary.subscriptionCount };
        if (name.startsWith('presence-')) {
          const members = await this.hub.cluster.members(appId, name).catch(() => undefined);
          if (members) {
            row.memberCount = members.size;
            row.members = [...members.keys()].slice(0, MAX_MEMBERS);
          }
        }
        channelList.push(row);
      }
    }
    return {
      time: at,
      connections: this.hub.connectionCount,
      channels,
      messagesInPerSecond: Math.round(perSecond(totals.messagesIn, last.messagesIn) * 10) / 10,
      messagesOutPerSecond: Math.round(perSecond(totals.messagesOut, last.messagesOut) * 10) / 10,
      rejectionsPerSecond,
      channelList,
      channelListTruncated: channels > channelList.length,
    };
  }
}
