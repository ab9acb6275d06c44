// Laravel Echo for React, connected to pusher-sidecar. Written by `npx pusher-sidecar install`.
// The VITE_REVERB_* values in .env are the public address browsers use (through Caddy),
// not the sidecar's internal port, which only PHP talks to. useEcho() and friends use this.
import { configureEcho } from '@laravel/echo-react';
import Pusher from 'pusher-js';

configureEcho({
    broadcaster: 'reverb',
    // Passed explicitly so currentSocketId() below looks at the same pusher-js.
    Pusher,
    key: import.meta.env.VITE_REVERB_APP_KEY,
    wsHost: import.meta.env.VITE_REVERB_HOST,
    wsPort: Number(import.meta.env.VITE_REVERB_PORT ?? 80),
    wssPort: Number(import.meta.env.VITE_REVERB_PORT ?? 443),
    forceTLS: (import.meta.env.VITE_REVERB_SCHEME ?? 'https') === 'https',
    enabledTransports: ['ws', 'wss'],
});

/** For your own fetch() or Inertia requests: headers: { ...socketIdHeaders() }. */
export function socketIdHeaders(): Record<string, string> {
    const socketId = currentSocketId();
    return socketId ? { 'X-Socket-ID': socketId } : {};
}

// configureEcho keeps its Echo instance to itself and connects on first use; pusher-js keeps a
// list of the clients it created, so this never opens a connection just to read an id.
function currentSocketId(): string | undefined {
    return Pusher.instances[Pusher.instances.length - 1]?.connection.socket_id;
}
