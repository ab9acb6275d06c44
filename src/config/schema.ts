/**
 * The one schema of every option: its default, type, limits and help. Flags (`--kebab-name`), env
 * twins (`PUSHER_SIDECAR_UPPER_SNAKE`), `serve --help` and the README options table are all derived
 * from it, so they cannot drift.
 */

export type OptionType = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'enum';

export type OptionGroup =
  | 'server' | 'app' | 'protocol' | 'guards' | 'auth' | 'webhooks' | 'metrics' | 'logging' | 'scaling';

export interface OptionSpec {
  readonly type: OptionType;
  readonly default: string | number | boolean | readonly string[];
  readonly description: string;
  readonly group: OptionGroup;
  /** Placeholder shown in help, e.g. SECONDS, BYTES, MS. */
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
}


export const WEBHOOK_EVENT_NAMES = [
  'channel_occupied', 'channel_vacated', 'member_added', 'member_removed',
  'client_event', 'cache_miss', 'subscription_count',
] as const;

export const CONFIG_SCHEMA = {
  host: { type: 'string', default: '127.0.0.1', group: 'server', unit: 'HOST', description: 'Address to listen on (WebSocket and HTTP API share it).' },
  port: { type: 'integer', default: 6001, min: 0, max: 65535, group: 'server', unit: 'PORT', description: 'Port to listen on; 0 picks a free one (the ready log line names it).' },
  shutdownTimeout: { type: 'number', default: 10, min: 0, group: 'server', unit: 'SECONDS', description: 'On SIGTERM/SIGINT: how long to wait for sockets, HTTP requests and webhooks before exiting.' },
  httpHeadersTimeout: { type: 'number', default: 10, min: 0.01, group: 'server', unit: 'SECONDS', description: 'An HTTP request (API call or WebSocket handshake) must send its whole head within this time, else it is answered 408 and closed.' },
  httpRequestTimeout: { type: 'number', default: 15, min: 0.01, group: 'server', unit: 'SECONDS', description: 'An HTTP API request must arrive whole (head and body) within this time, else it is answered 408 and closed; not less than --http-headers-timeout.' },
  httpKeepAliveTimeout: { type: 'number', default: 5, min: 0.01, group: 'server', unit: 'SECONDS', description: 'An idle keep-alive HTTP connection is closed after this time.' },

  appId: { type: 'string', default: 'app-id', group: 'app', unit: 'ID', description: 'App id of the single app (else PUSHER_APP_ID / REVERB_APP_ID from ./.env).' },
  appKey: { type: 'string', default: 'app-key', group: 'app', unit: 'KEY', description: 'App key of the single app (public; clients connect to /app/{key}).' },
  appSecret: { type: 'string', default: 'app-secret', group: 'app', unit: 'SECRET', description: 'App secret of the single app (signs channel auth and API requests; never logged).' },
  appsFile: { type: 'string', default: '', group: 'app', unit: 'FILE', description: 'JSON array of apps (id, key, secret, enabled, enableClientMessages, maxConnections, webhooks, subscriptionCount); replaces the single app.' },
  enableClientMessages: { type: 'boolean', default: false, group: 'app', description: 'Allow client-* events on private and presence channels for the single app.' },
  subscriptionCount: { type: 'boolean', default: false, group: 'app', description: 'Send pusher_internal:subscription_count (pusher-js: pusher:subscription_count) to subscribers of non-presence channels when the count changes, for the single app; channels of 100+ at most every 5 s.' },

  activityTimeout: { type: 'integer', default: 30, min: 1, max: 3600, group: 'protocol', unit: 'SECONDS', description: 'Advertised to clients; the server pings a socket silent this long.' },
  pongTimeout: { type: 'integer', default: 30, min: 1, max: 3600, group: 'protocol', unit: 'SECONDS', description: 'A pinged socket that sends nothing within this time is closed with 4201.' },
  maxMessageSize: { type: 'integer', default: 16384, min: 256, group: 'guards', unit: 'BYTES', description: 'Largest inbound WebSocket frame; larger frames close the socket with 1009.' },
  maxPayloadSize: { type: 'integer', default: 10240, min: 1, group: 'protocol', unit: 'BYTES', description: 'Largest event data accepted by the HTTP API (413 above).' },
  maxChannelNameLength: { type: 'integer', default: 200, min: 1, max: 1000, group: 'protocol', unit: 'CHARS', description: 'Longest channel name accepted.' },
  maxEventNameLength: { type: 'integer', default: 200, min: 1, max: 1000, group: 'protocol', unit: 'CHARS', description: 'Longest event name accepted.' },
  maxChannelsPerConnection: { type: 'integer', default: 500, min: 1, group: 'guards', unit: 'N', description: 'Channels one connection may join at once (4311 above).' },
  maxPresenceMembers: { type: 'integer', default: 100, min: 1, group: 'protocol', unit: 'N', description: 'Distinct users per presence channel.' },
  maxPresenceMemberSize: { type: 'integer', default: 1024, min: 16, group: 'protocol', unit: 'BYTES', description: 'Largest presence user_info (serialized).' },
  clientEventRate: { type: 'integer', default: 10, min: 1, group: 'protocol', unit: 'N', description: 'Client events per second per connection (4301 above).' },
  cacheTtl: { type: 'integer', default: 1800, min: 1, group: 'protocol', unit: 'SECONDS', description: 'How long a cache- channel keeps its last event.' },

  allowedOrigins: { type: 'list', default: [], group: 'guards', unit: 'LIST', description: 'Origins (https://app.test) or hosts (app.test, any port) allowed besides the same host, * wildcards allowed; !entry excludes (!same-host drops the same-host rule); others get 4009. Same host: the Origin\'s host and port equal the request\'s. Requests without Origin pass.' },
  trustProxy: { type: 'list', default: ['127.0.0.1/8', '::1/128'], group: 'guards', unit: 'CIDRS', description: 'Proxies whose X-Forwarded-For / X-Forwarded-Host are believed.' },
  handshakeRate: { type: 'number', default: 20, min: 0, group: 'guards', unit: 'N', description: 'WebSocket handshakes per second per client IP (token bucket refill); 0 disables.' },
  handshakeBurst: { type: 'integer', default: 40, min: 1, group: 'guards', unit: 'N', description: 'Handshake bucket size per client IP.' },
  handshakeTableSize: { type: 'integer', default: 10000, min: 1, group: 'guards', unit: 'N', description: 'Clients (IPv4 addresses, IPv6 /64s) tracked by the handshake limiter; refilled ones are dropped, then the least recently seen.' },
  maxConnections: { type: 'integer', default: 10000, min: 0, group: 'guards', unit: 'N', description: 'Open WebSockets on this server (4100 above); 0 = unlimited.' },
  maxConnectionsPerIp: { type: 'integer', default: 1000, min: 0, group: 'guards', unit: 'N', description: 'Open WebSockets per client IP (IPv6: per /64, behind --trust-proxy as the handshake limiter); 4103 above; 0 = unlimited.' },
  maxSubscriptions: { type: 'integer', default: 1000000, min: 0, group: 'guards', unit: 'N', description: 'Subscriptions on this server, all connections together (about 1 KiB of heap each); new ones get 4312 above, existing ones keep working; 0 = unlimited.' },
  messageRate: { type: 'number', default: 50, min: 0, group: 'guards', unit: 'N', description: 'Inbound messages per second per connection (4303, then 4102); 0 disables.' },
  messageBurst: { type: 'integer', default: 100, min: 1, group: 'guards', unit: 'N', description: 'Inbound message bucket size per connection.' },
  writeWait: { type: 'number', default: 10, min: 0.01, group: 'guards', unit: 'SECONDS', description: 'A socket whose send buffer stays non-empty this long is closed with 4101.' },
  maxBufferedBytes: { type: 'integer', default: 1048576, min: 1024, group: 'guards', unit: 'BYTES', description: 'A socket with more unsent bytes than this is closed with 4101.' },

  authUrl: { type: 'string', default: '', group: 'auth', unit: 'URL', description: "Laravel's /broadcasting/auth; subscriptions with empty auth are authorized there with the browser's cookies." },
  userAuthUrl: { type: 'string', default: '', group: 'auth', unit: 'URL', description: "Laravel's /broadcasting/user-auth, for pusher:signin with empty auth." },
  maxConcurrentAuth: { type: 'integer', default: 16, min: 1, group: 'auth', unit: 'N', description: 'Auth requests in flight to Laravel at once; keep it below the number of PHP workers.' },
  authQueueSize: { type: 'integer', default: 1000, min: 0, group: 'auth', unit: 'N', description: 'Auth requests waiting for a slot, each for at most --auth-timeout; beyond it they fail fast with 503.' },
  maxAuthPerConnection: { type: 'integer', default: 50, min: 1, group: 'auth', unit: 'N', description: 'Forwarded auth requests one connection may have waiting or in flight; more get subscription_error 429.' },
  maxAuthPerIp: { type: 'integer', default: 500, min: 1, group: 'auth', unit: 'N', description: 'Forwarded auth requests one client IP (IPv6: /64) may have waiting or in flight; more get subscription_error 429.' },
  authTimeout: { type: 'integer', default: 5000, min: 1, group: 'auth', unit: 'MS', description: 'Timeout of one auth request to Laravel.' },
  maxAuthBody: { type: 'integer', default: 16384, min: 64, group: 'auth', unit: 'BYTES', description: 'Largest auth reply read from Laravel (502 above).' },
  authCircuitThreshold: { type: 'integer', default: 5, min: 1, group: 'auth', unit: 'N', description: 'Consecutive auth failures (5xx, timeouts) that open the circuit breaker.' },
  authCircuitCooldown: { type: 'integer', default: 5000, min: 1, group: 'auth', unit: 'MS', description: 'How long the open breaker fails fast before probing Laravel again.' },

  webhookUrl: { type: 'string', default: '', group: 'webhooks', unit: 'URL', description: 'Webhook receiver for the single app.' },
  webhookEvents: { type: 'list', default: [...WEBHOOK_EVENT_NAMES], values: WEBHOOK_EVENT_NAMES, group: 'webhooks', unit: 'LIST', description: 'Webhook events sent for the single app.' },
  webhookBatchMs: { type: 'integer', default: 250, min: 0, group: 'webhooks', unit: 'MS', description: 'Events within this window are sent in one request.' },
  webhookVacateDelay: { type: 'number', default: 3, min: 0, group: 'webhooks', unit: 'SECONDS', description: 'channel_vacated / member_removed wait this long and are dropped if the channel or member returns.' },
  webhookMaxAge: { type: 'integer', default: 300, min: 1, group: 'webhooks', unit: 'SECONDS', description: 'Retries stop once a webhook is this old.' },
  webhookQueueSize: { type: 'integer', default: 10000, min: 1, group: 'webhooks', unit: 'N', description: 'Webhook events held per receiver while it is slow or down; overflow is dropped, counted and logged.' },
  webhookTimeout: { type: 'integer', default: 10000, min: 1, group: 'webhooks', unit: 'MS', description: 'Timeout of one webhook request.' },

  metricsPort: { type: 'integer', default: 9601, min: 0, max: 65535, group: 'metrics', unit: 'PORT', description: 'Prometheus /metrics port; 0 disables.' },
  metricsHost: { type: 'string', default: '127.0.0.1', group: 'metrics', unit: 'HOST', description: 'Address the metrics endpoint binds to.' },
  dashboard: { type: 'boolean', default: true, group: 'metrics', description: 'Serve the live debug console at / on the metrics listener (needs --metrics-port).' },
  dashboardToken: { type: 'string', default: '', group: 'metrics', unit: 'TOKEN', description: 'Token the debug console asks for (Authorization: Bearer); set it whenever --metrics-host is beyond loopback. Never logged.' },
  dashboardLogSize: { type: 'integer', default: 1000, min: 10, max: 100000, group: 'metrics', unit: 'ENTRIES', description: "Debug console ring buffer, and each open console's send queue (past it entries are dropped and counted)." },
  dashboardRate: { type: 'integer', default: 500, min: 1, max: 100000, group: 'metrics', unit: 'PER_SECOND', description: 'Debug console entries kept per second; past it the log samples and says how many it skipped.' },
  dashboardMaxClients: { type: 'integer', default: 5, min: 1, max: 100, group: 'metrics', unit: 'COUNT', description: 'Debug consoles open at once (each is one event stream).' },
  dashboardClusterTtl: { type: 'number', default: 6, min: 0.1, max: 3600, group: 'metrics', unit: 'SECONDS', description: 'Cluster mode: how long an open console keeps the other nodes tracing and forwarding their entries; renewed every third of it, so the watch of a node that died lapses after this.' },

  adapter: { type: 'enum', default: 'local', values: ['local', 'redis'], group: 'scaling', unit: 'NAME', description: 'local (one process) or redis (a node of a cluster sharing one Redis; without --redis-url, the Redis Laravel uses: REDIS_URL or REDIS_HOST/PORT/USERNAME/PASSWORD/DB from ./.env and the environment).' },
  redisUrl: { type: 'string', default: '', group: 'scaling', unit: 'URL', description: 'redis://[user:password@]host:port/db of the cluster; setting it alone turns cluster mode on. The password is never logged.' },
  redisPrefix: { type: 'string', default: 'pusher-sidecar', group: 'scaling', unit: 'PREFIX', description: 'Prefix of every Redis key and of the pub/sub channel; clusters sharing one Redis need different prefixes.' },
  nodeLeaseTtl: { type: 'number', default: 10, min: 0.2, max: 3600, group: 'scaling', unit: 'SECONDS', description: "A node renews its lease every quarter of this; once it lapses, a survivor removes the node's sockets (member_removed, webhooks) within this plus a quarter." },
  workers: { type: 'integer', default: 1, min: 1, max: 256, group: 'scaling', unit: 'N', description: 'Processes sharing the port on this host (node:cluster), each a node of the Redis cluster; above 1 needs --redis-url or --adapter redis.' },

  logLevel: { type: 'enum', default: 'info', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], group: 'logging', unit: 'LEVEL', description: 'Least severe log level written (silent writes nothing).' },
  logFormat: { type: 'enum', default: 'auto', values: ['auto', 'json', 'pretty'], group: 'logging', unit: 'FORMAT', description: 'auto: pretty when stdout is a terminal, else json; json (one object a line) or pretty (for a terminal).' },
} as const satisfies Record<string, OptionSpec>;

/** The value type an option spec describes: enums are the union of their values. */
type OptionValue<S extends OptionSpec> =
  S extends { type: 'enum'; values: readonly (infer V)[] } ? V
    : S['type'] extends 'integer' | 'number' ? number
      : S['type'] extends 'boolean' ? boolean
        : S['type'] extends 'list' ? string[]
          : string;

/** Every option's value, derived from the schema so the two cannot drift. `loadConfig` freezes it. */
export type Config = { -readonly [K in keyof typeof CONFIG_SCHEMA]: OptionValue<(typeof CONFIG_SCHEMA)[K]> };

export type OptionKey = keyof Config;

export const OPTION_KEYS = Object.keys(CONFIG_SCHEMA) as OptionKey[];

export function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

export function envName(key: string): string {
  return 'PUSHER_SIDECAR_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

export function defaultConfig(): Config {
  const out: Record<string, unknown> = {};
  for (const key of OPTION_KEYS) {
    const value = CONFIG_SCHEMA[key].default;
    out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out as unknown as Config;
}
