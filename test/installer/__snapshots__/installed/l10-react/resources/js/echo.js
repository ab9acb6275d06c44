// Laravel Echo for React, connected to pusher-sidecar. Written by `npx pusher-sidecar install`.
// The VITE_PUSHER_* values in .env are the public address browsers use (through Caddy),
// not the sidecar's internal port, which only PHP talks to. useEcho() and friends use this.
import { configureEcho } from '@laravel/echo-react';
import axios from 'axios';
import Pusher from 'pusher-js';

// toOthers() needs requests to Laravel to carry this page's socket id (X-Socket-ID). Echo only
// adds that header when a global window.axios exists at the moment it starts, which depends on
// what runs first (and Inertia apps have no global axios). So the header is set here, on the
// axios module itself.
axios.interceptors.request.use((config) => {
    const socketId = currentSocketId();
    if (socketId) config.headers.set('X-Socket-ID', socketId);
    return config;
});

configureEcho({
    broadcaster: 'pusher',
    // Passed explicitly so currentSocketId() below looks at the same pusher-js.
    Pusher,
    key: import.meta.env.VITE_PUSHER_APP_KEY,
    cluster: import.meta.env.VITE_PUSHER_APP_CLUSTER,
    wsHost: import.meta.env.VITE_PUSHER_HOST,
    wsPort: Number(import.meta.env.VITE_PUSHER_PORT ?? 80),
    wssPort: Number(import.meta.env.VITE_PUSHER_PORT ?? 443),
    forceTLS: (import.meta.env.VITE_PUSHER_SCHEME ?? 'https') === 'https',
    enabledTransports: ['ws', 'wss'],
});

/** For your own fetch() or Inertia requests: headers: { ...socketIdHeaders() }. */
export function socketIdHeaders() {
    const socketId = currentSocketId();
    return socketId ? { 'X-Socket-ID': socketId } : {};
}

// configureEcho keeps its Echo instance to itself and connects on first use; pusher-js keeps a
// list of the clients it created, so this never opens a connection just to read an id.
function currentSocketId() {
    return Pusher.instances[Pusher.instances.length - 1]?.connection.socket_id;
}
