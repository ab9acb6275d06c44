import type { Connection } from '../connections/connection.js';
import type { ChannelInfo } from '../protocol/channel-names.js';

export interface PresenceMember {
  info: unknown;
  connections: Set<Connection>;
}

/** Local subscribers of one channel; presence channels also track members by user id. */
export class Channel {
  readonly subscribers = new Set<Connection>();
  readonly members: Map<string, PresenceMember> | undefined;

  constructor(
    readonly name: string,
    readonly info: ChannelInfo,
  ) {
    this.members = info.kind === 'presence' ? new Map() : undefined;
  }

  presenceSnapshot(): { ids: string[]; hash: Record<string, unknown>; count: number } {
    const ids: string[] = [];
    const hash: Record<string, unknown> = {};
    for (const [id, member] of this.members ?? []) {
      ids.push(id);
      hash[id] = member.info ?? {};
    }
    return { ids, hash, count: ids.length };
  }
}
