import { CONFIG_SCHEMA, flagName, type OptionKey } from '../config/schema.js';
import { CODES, type CodeEntry } from '../protocol/codes.js';

interface LimitRow {
  scope: 'per client IP' | 'per connection' | 'per channel' | 'per app' | 'server-wide';
  what: string;
  options: readonly OptionKey[];
  /** For limits that are not options (the apps file's per-app quota). */
  setting?: string;
  codes: readonly CodeEntry[];
}

/** What is capped, and where: the README security section is generated from this list. */
export const LIMITS: readonly LimitRow[] = [
  { scope: 'per client IP', what: 'WebSocket handshakes (token bucket)', options: ['handshakeRate', 'handshakeBurst'], codes: [CODES.httpTooManyHandshakes] },
  { scope: 'per client IP', what: 'open WebSockets', options: ['maxConnectionsPerIp'], codes: [CODES.tooManyConnectionsFromIp] },
  { scope: 'per client IP', what: 'forwarded auths waiting or in flight', options: ['maxAuthPerIp'], codes: [CODES.authTooManyPending] },
  { scope: 'per connection', what: 'inbound frame size', options: ['maxMessageSize'], codes: [CODES.messageTooLarge] },
  { scope: 'per connection', what: 'inbound messages', options: ['messageRate', 'messageBurst'], codes: [CODES.messageRateLimited, CODES.messageRateExceeded] },
  { scope: 'per connection', what: 'client events', options: ['clientEventRate'], codes: [CODES.clientEventRateLimited] },
  { scope: 'per connection', what: 'channels joined', options: ['maxChannelsPerConnection'], codes: [CODES.maxChannelsReached] },
  { scope: 'per connection', what: 'unsent bytes, and how long they may stay unsent', options: ['maxBufferedBytes', 'writeWait'], codes: [CODES.slowConsumer] },
  { scope: 'per connection', what: 'forwarded auths waiting or in flight', options: ['maxAuthPerConnection'], codes: [CODES.authTooManyPending] },
  { scope: 'per channel', what: 'presence members, and the size of each', options: ['maxPresenceMembers', 'maxPresenceMemberSize'], codes: [CODES.presenceFull, CODES.subscriptionInvalidData] },
  { scope: 'per app', what: 'open WebSockets (a quota: pusher-js gives up)', options: [], setting: '`maxConnections` in the apps file (0 = unlimited)', codes: [CODES.appOverQuota] },
  { scope: 'server-wide', what: 'open WebSockets', options: ['maxConnections'], codes: [CODES.overCapacity] },
  { scope: 'server-wide', what: 'subscriptions, all connections together (about 1 KiB of heap each)', options: ['maxSubscriptions'], codes: [CODES.subscriptionCapReached] },
  { scope: 'server-wide', what: 'auth requests to Laravel in flight, then waiting (shared fairly between connections)', options: ['maxConcurrentAuth', 'authQueueSize', 'authTimeout'], codes: [CODES.authUnavailable, CODES.authTooManyPending] },
  { scope: 'server-wide', what: 'clients remembered by the handshake limiter', options: ['handshakeTableSize'], codes: [] },
  { scope: 'server-wide', what: 'HTTP API event size', options: ['maxPayloadSize'], codes: [CODES.httpPayloadTooLarge] },
];

const UNITS: Record<string, string> = { SECONDS: ' s', MS: ' ms', BYTES: ' bytes', CHARS: ' chars' };

function describeOption(key: OptionKey): string {
  const spec: { default: unknown; unit?: string } = CONFIG_SCHEMA[key];
  const value = typeof spec.default === 'number' ? spec.default.toLocaleString('en-US') : String(spec.default);
  return `\`${flagName(key)}\` ${value}${UNITS[spec.unit ?? ''] ?? ''}`;
}

function describeCode(entry: CodeEntry): string {
  const kind = entry.kind === 'close' ? 'close' : entry.kind === 'error' ? 'pusher:error' : entry.kind === 'subscription' ? 'subscription_error' : 'HTTP';
  return `${kind} ${entry.code} \`${entry.id}\``;
}

/** The README table of every cap: scope, what it bounds, option and default, and the answer. */
export function renderLimitsTable(): string {
  const rows = LIMITS.map((row) => {
    const options = row.setting ?? row.options.map(describeOption).join(', ');
    const codes = row.codes.length === 0 ? 'oldest entries dropped' : row.codes.map(describeCode).join(', ');
    return `| ${row.scope} | ${row.what} | ${options} | ${codes} |`;
  });
  return ['| scope | what | option and default | answer over it |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
