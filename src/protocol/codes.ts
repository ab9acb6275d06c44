/**
 * The one catalogue of every code the server can emit: HTTP statuses before the upgrade and on the
 * REST API, WebSocket close codes, non-closing `pusher:error` codes and `pusher:subscription_error`
 * statuses. The README troubleshooting table and `pusher-sidecar codes` are generated from it.
 *
 * pusher-js reactions follow ../shared/reference/pusher-protocol-and-laravel.md §A3:
 * 4000–4099 give up, 4100–4199 back off ≥1 s, 4200–4299 reconnect at once, 1002–1004 back off.
 */

export type CodeKind = 'close' | 'error' | 'subscription' | 'http';

/** What pusher-js does after it sees the code. */
export type ClientReaction = 'gives-up' | 'backs-off' | 'reconnects-now' | 'keeps-connection' | 'caller-error';

export interface CodeEntry {
  /** Stable machine name, used as the `reason` label in logs and metrics. */
  readonly id: string;
  readonly code: number;
  readonly kind: CodeKind;
  readonly message: string;
  readonly reaction: ClientReaction;
  readonly fix: string;
}

export const CODES = {
  // ── Close codes (sent as pusher:error, then the socket closes with the same code) ──
  appNotFound: {
    id: 'app_not_found', code: 4001, kind: 'close', message: 'Application does not exist',
    reaction: 'gives-up',
    fix: 'The key in /app/{key} matches no app. Check VITE_REVERB_APP_KEY / VITE_PUSHER_APP_KEY against --app-key or the apps file.',
  },
  appDisabled: {
    id: 'app_disabled', code: 4003, kind: 'close', message: 'Application is disabled',
    reaction: 'gives-up', fix: 'Set "enabled": true for this app in the apps file.',
  },
  appOverQuota: {
    id: 'app_over_quota', code: 4004, kind: 'close', message: 'Application is over connection quota',
    reaction: 'gives-up', fix: 'Raise "maxConnections" for this app in the apps file (0 = unlimited).',
  },
  pathNotFound: {
    id: 'path_not_found', code: 4005, kind: 'close', message: 'Path not found',
    reaction: 'gives-up', fix: 'Connect to /app/{key}. Check the proxy does not rewrite the path (Caddy: route /app/* unchanged).',
  },
  unsupportedProtocol: {
    id: 'unsupported_protocol', code: 4007, kind: 'close', message: 'Unsupported protocol version',
    reaction: 'gives-up', fix: 'Use a client that speaks Pusher protocol 5, 6 or 7 (pusher-js 4+ sends 7).',
  },
  originNotAllowed: {
    id: 'origin_not_allowed', code: 4009, kind: 'close', message: 'Origin not allowed',
    reaction: 'gives-up',
    fix: 'The page is neither on the host (and port) the socket was sent to nor in --allowed-origins / PUSHER_SIDECAR_ALLOWED_ORIGINS. Browsers should connect through the public site (Caddy), not the sidecar\'s own port; pages on other sites need an entry, e.g. --allowed-origins "https://admin.example.com,*.example.com". Behind a proxy that is not on loopback, add its address to --trust-proxy so its X-Forwarded-Host counts.',
  },
  connectionTerminated: {
    id: 'connection_terminated', code: 4010, kind: 'close', message: 'Connection terminated by the application',
    reaction: 'gives-up', fix: 'The app called POST /apps/{id}/users/{user_id}/terminate_connections for this user (e.g. on logout or ban).',
  },
  overCapacity: {
    id: 'over_capacity', code: 4100, kind: 'close', message: 'Over capacity',
    reaction: 'backs-off', fix: 'The server reached --max-connections. Raise it or add nodes.',
  },
  slowConsumer: {
    id: 'slow_consumer', code: 4101, kind: 'close', message: 'Client too slow to receive messages',
    reaction: 'backs-off',
    fix: 'The client did not read its messages: its send buffer passed --max-buffered-bytes or stayed full for --write-wait seconds. Usually a bad network; raise the limits if messages are large.',
  },
  messageRateExceeded: {
    id: 'message_rate_exceeded', code: 4102, kind: 'close', message: 'Too many messages from this connection',
    reaction: 'backs-off',
    fix: 'The client kept sending after --message-rate (messages/s) was exceeded and was disconnected. Raise --message-rate / --message-burst if legitimate.',
  },
  tooManyConnectionsFromIp: {
    id: 'too_many_connections_from_ip', code: 4103, kind: 'close', message: 'Too many connections from this address',
    reaction: 'backs-off',
    fix: 'This client IP (IPv6: its /64) already holds --max-connections-per-ip open sockets. Many users behind one NAT: raise the option (0 = unlimited). Every client looks like one address: the proxy in front is not in --trust-proxy, so add it.',
  },
  serverShuttingDown: {
    id: 'server_shutting_down', code: 4200, kind: 'close', message: 'Server is shutting down, reconnect',
    reaction: 'reconnects-now', fix: 'Nothing to fix: the node is restarting; clients reconnect at once.',
  },
  pongTimeout: {
    id: 'pong_timeout', code: 4201, kind: 'close', message: 'Pong reply not received in time',
    reaction: 'reconnects-now',
    fix: 'The peer stopped answering pings within --pong-timeout. Check proxy idle timeouts are longer than --activity-timeout.',
  },
  messageTooLarge: {
    id: 'message_too_large', code: 1009, kind: 'close', message: 'Message too big',
    reaction: 'backs-off', fix: 'A frame exceeded --max-message-size bytes. Send smaller client events or raise the limit.',
  },

  // ── pusher:error codes that keep the connection open ──
  invalidMessage: {
    id: 'invalid_message', code: 4300, kind: 'error', message: 'Invalid message',
    reaction: 'keeps-connection',
    fix: 'Frames must be UTF-8 JSON text objects with a string "event". Binary frames are not supported.',
  },
  clientEventRateLimited: {
    id: 'client_event_rate_limited', code: 4301, kind: 'error', message: 'Client event rejected due to rate limit',
    reaction: 'keeps-connection', fix: 'Send at most --client-event-rate client events per second per connection.',
  },
  watchlistLimit: {
    id: 'watchlist_limit', code: 4302, kind: 'error', message: 'Watchlist limit exceeded, first 100 user ids accepted',
    reaction: 'keeps-connection', fix: 'Return at most 100 ids in the user watchlist.',
  },
  messageRateLimited: {
    id: 'message_rate_limited', code: 4303, kind: 'error', message: 'Message dropped: rate limit exceeded',
    reaction: 'keeps-connection', fix: 'Slow down; the connection is closed with 4102 if it goes on. Tune --message-rate / --message-burst.',
  },
  unknownEvent: {
    id: 'unknown_event', code: 4304, kind: 'error', message: 'Unknown pusher: event',
    reaction: 'keeps-connection', fix: 'Only pusher:ping, pusher:pong, pusher:subscribe, pusher:unsubscribe, pusher:signin and client-* events are accepted.',
  },
  clientEventRejected: {
    id: 'client_event_rejected', code: 4305, kind: 'error', message: 'Client event rejected',
    reaction: 'keeps-connection',
    fix: 'Client events need enableClientMessages on the app, a private- or presence- channel, a subscription to it, and a name starting with client-.',
  },
  alreadySubscribed: {
    id: 'already_subscribed', code: 4306, kind: 'error', message: 'Already subscribed to this channel',
    reaction: 'keeps-connection', fix: 'Harmless: the existing subscription stays. Unsubscribe first to resubscribe.',
  },
  notSubscribed: {
    id: 'not_subscribed', code: 4307, kind: 'error', message: 'Not subscribed to this channel',
    reaction: 'keeps-connection', fix: 'Harmless: the connection never joined that channel.',
  },
  invalidChannel: {
    id: 'invalid_channel', code: 4309, kind: 'error', message: 'Invalid channel name',
    reaction: 'keeps-connection',
    fix: 'Channel names use A-Z a-z 0-9 _ - = @ , . ; and are at most --max-channel-name-length characters.',
  },
  signinFailed: {
    id: 'signin_failed', code: 4310, kind: 'error', message: 'User sign-in failed',
    reaction: 'keeps-connection',
    fix: 'The pusher:signin auth did not verify: user_data must be JSON with a non-empty string id, signed as socket_id::user::user_data with the app secret.',
  },
  maxChannelsReached: {
    id: 'max_channels_reached', code: 4311, kind: 'error', message: 'Too many channels on this connection',
    reaction: 'keeps-connection', fix: 'Unsubscribe from channels you no longer need or raise --max-channels-per-connection.',
  },
  subscriptionCapReached: {
    id: 'subscription_cap_reached', code: 4312, kind: 'error', message: 'Server subscription limit reached',
    reaction: 'keeps-connection',
    fix: 'This node holds --max-subscriptions subscriptions (all connections together); the new one was refused, existing ones keep working. Raise the option if the heap has room (about 1 KiB each) or add nodes.',
  },

  // ── pusher:subscription_error statuses (channel-scoped, so Echo's .error() fires) ──
  subscriptionBadSignature: {
    id: 'subscription_bad_signature', code: 401, kind: 'subscription', message: 'Invalid signature',
    reaction: 'keeps-connection',
    fix: 'The auth for this channel does not match HMAC-SHA256(secret, socket_id:channel[:channel_data]). Check the app secret Laravel signs with equals the sidecar\'s.',
  },
  subscriptionForbidden: {
    id: 'subscription_forbidden', code: 403, kind: 'subscription', message: 'Forbidden by the auth endpoint',
    reaction: 'keeps-connection', fix: 'Laravel refused this user for this channel: check routes/channels.php and the user session.',
  },
  subscriptionInvalidData: {
    id: 'subscription_invalid_data', code: 400, kind: 'subscription', message: 'Invalid subscription data',
    reaction: 'keeps-connection',
    fix: 'Presence channel_data must be JSON with a user_id and be within --max-presence-member-size bytes; #server-to-user channels need a matching pusher:signin.',
  },
  presenceFull: {
    id: 'presence_full', code: 403, kind: 'subscription', message: 'Presence channel is full',
    reaction: 'keeps-connection', fix: 'The channel already has --max-presence-members members. Raise the option or use a private channel.',
  },
  authUnauthenticated: {
    id: 'auth_unauthenticated', code: 401, kind: 'subscription', message: 'Not signed in to the app',
    reaction: 'keeps-connection',
    fix: 'Laravel (--auth-url) answered 401: the cookies or Authorization header of the WebSocket handshake did not log a user in. Serve the WebSocket from the app\'s own host (Caddy route /app/*) so the browser sends its session cookie.',
  },
  authBadReply: {
    id: 'auth_bad_reply', code: 502, kind: 'subscription', message: 'Invalid reply from the auth endpoint',
    reaction: 'keeps-connection',
    fix: 'Laravel (--auth-url / --user-auth-url) did not answer 200 JSON with an "auth" string: a redirect, a 404, HTML, or a body over --max-auth-body. Point the URL at /broadcasting/auth (or /broadcasting/user-auth) and check the route exists (php artisan route:list).',
  },
  authTooManyPending: {
    id: 'auth_too_many_pending', code: 429, kind: 'subscription', message: 'Too many auth requests pending for this connection',
    reaction: 'keeps-connection',
    fix: 'This socket (or its IP) already waits on --max-auth-per-connection (--max-auth-per-ip) forwarded auths, or the auth queue was full and this socket had the most requests waiting. Subscribe to fewer private channels at once or raise the options.',
  },
  authUnavailable: {
    id: 'auth_unavailable', code: 503, kind: 'subscription', message: 'Auth endpoint unavailable',
    reaction: 'keeps-connection',
    fix: 'Laravel (--auth-url) is down, slow (--auth-timeout), answered 429/5xx, or more requests waited than --max-concurrent-auth plus --auth-queue-size; the circuit breaker fails fast until it recovers. The log line says which. pusher-js retries the channel on its next reconnect.',
  },

  // ── HTTP (handshake and REST API); bodies are JSON {error, code} ──
  httpBadRequest: {
    id: 'http_bad_request', code: 400, kind: 'http', message: 'Bad request',
    reaction: 'caller-error', fix: 'The body must be JSON with the fields the Pusher REST API documents; the error names the field.',
  },
  httpBadSignature: {
    id: 'http_bad_signature', code: 401, kind: 'http', message: 'Invalid signature or timestamp',
    reaction: 'caller-error',
    fix: 'The API key/secret do not match the app, or the clock is more than 600 s off. Check REVERB_APP_KEY/SECRET (or PUSHER_*) in Laravel\'s .env.',
  },
  httpForbidden: {
    id: 'http_forbidden', code: 403, kind: 'http', message: 'Application disabled',
    reaction: 'caller-error', fix: 'Enable the app in the apps file.',
  },
  httpNotFound: {
    id: 'http_not_found', code: 404, kind: 'http', message: 'Not found',
    reaction: 'caller-error', fix: 'Unknown app id or route. Check REVERB_APP_ID / PUSHER_APP_ID and the path /apps/{id}/...',
  },
  httpMethodNotAllowed: {
    id: 'http_method_not_allowed', code: 405, kind: 'http', message: 'Method not allowed',
    reaction: 'caller-error', fix: 'Use the method the Pusher REST API documents for this route.',
  },
  httpPayloadTooLarge: {
    id: 'http_payload_too_large', code: 413, kind: 'http', message: 'Payload too large',
    reaction: 'caller-error',
    fix: 'The request body or event data is over --max-payload-size bytes. Send smaller events.',
  },
  httpTooManyHandshakes: {
    id: 'http_too_many_handshakes', code: 429, kind: 'http', message: 'Too many connection attempts',
    reaction: 'backs-off',
    fix: 'This client IP passed --handshake-rate/--handshake-burst. Behind a proxy set --trust-proxy so each browser gets its own bucket.',
  },
  httpDashboardUnauthorized: {
    id: 'http_dashboard_unauthorized', code: 401, kind: 'http', message: 'Debug console token required',
    reaction: 'caller-error',
    fix: 'The debug console runs with --dashboard-token: open it as http://HOST:PORT/#token=THE_TOKEN (the fragment never leaves the browser) or enter the token on the page.',
  },
  httpDashboardForbidden: {
    id: 'http_dashboard_forbidden', code: 403, kind: 'http', message: 'Debug console request refused',
    reaction: 'caller-error',
    fix: 'Without --dashboard-token the console only answers requests addressed to an IP or localhost (not a DNS name, against DNS rebinding), and a test event only from the console page itself. Open it at http://127.0.0.1:PORT/, or set --dashboard-token.',
  },
  httpInternal: {
    id: 'http_internal', code: 500, kind: 'http', message: 'Internal error',
    reaction: 'caller-error', fix: 'A bug in the sidecar: the log has the stack trace (level error). Please report it.',
  },
  httpUnavailable: {
    id: 'http_unavailable', code: 503, kind: 'http', message: 'Server not ready',
    reaction: 'backs-off', fix: 'The server is shutting down or a required backend is down; retry against another node.',
  },
} as const satisfies Record<string, CodeEntry>;

export type CodeName = keyof typeof CODES;

export const ALL_CODES: readonly CodeEntry[] = Object.values(CODES);

/** Entries whose numeric code (close / error / subscription status / HTTP status) is `code`. */
export function findCodes(code: number): CodeEntry[] {
  return ALL_CODES.filter((entry) => entry.code === code);
}

/**
 * Entries for what a user copies out of a log line: a number (`4009`) or the `reason` name the
 * logs and metrics print (`origin_not_allowed`; case and `-` for `_` forgiven).
 */
export function lookupCodes(query: string): CodeEntry[] {
  const trimmed = query.trim();
  if (/^\d+$/.test(trimmed)) return findCodes(Number(trimmed));
  const reason = trimmed.toLowerCase().replace(/-/g, '_');
  return ALL_CODES.filter((entry) => entry.id === reason);
}
