/**
 * The "Now" panel's figures as the server sends them once a second: one definition for the
 * sampler (src/console/now-sampler.ts) and the page, which is compiled on its own.
 */
export interface ChannelRow {
  app: string;
  name: string;
  subscribers: number;
  /** Presence channels only: user ids (at most a few dozen) and their count. */
  members?: string[];
  memberCount?: number;
}

export interface NowSample {
  time: number;
  connections: number;
  channels: number;
  messagesInPerSecond: number;
  messagesOutPerSecond: number;
  /** Rejections in the last second by code ("4009": 2). */
  rejectionsPerSecond: Record<string, number>;
  channelList: ChannelRow[];
  channelListTruncated: boolean;
}
