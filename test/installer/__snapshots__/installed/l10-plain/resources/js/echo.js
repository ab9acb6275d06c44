// Laravel Echo, connected to pusher-sidecar. Written by `npx pusher-sidecar install`.
// The VITE_PUSHER_* values in .env are the public address browsers use (through Caddy),
// not the sidecar's internal port, which only PHP talks to.
import axios from 'axios';
import Echo from 'laravel-echo';
import Pusher from 'pusher-js';

// toOthers() needs requests to Laravel to carry this page's socket id (X-Socket-ID). Echo only
// adds that header when window.axios already exists as Echo starts, and ES-module imports run
// before bootstrap.js assigns window.axios. So the header is set here, on the axios module
// itself, whatever the import order. (Registered before Echo's own, so there is one header.)
axios.interceptors.request.use((config) => {
    const socketId = window.Echo?.socketId();
    if (socketId) config.headers.set('X-Socket-ID', socketId);
    return config;
});

window.Pusher = Pusher;

window.Echo = new Echo({
    broadcaster: 'pusher',
    key: import.meta.env.VITE_PUSHER_APP_KEY,
    cluster: import.meta.env.VITE_PUSHER_APP_CLUSTER,
    wsHost: import.meta.env.VITE_PUSHER_HOST,
    wsPort: Number(import.meta.env.VITE_PUSHER_PORT ?? 80),
    wssPort: Number(import.meta.env.VITE_PUSHER_PORT ?? 443),
    forceTLS: (import.meta.env.VITE_PUSHER_SCHEME ?? 'https') === 'https',
    enabledTransports: ['ws', 'wss'],
});

/** For your own fetch() calls to Laravel: fetch(url, { headers: { ...socketIdHeaders() } }). */
export function socketIdHeaders() {
    const socketId = window.Echo?.socketId();
    return socketId ? { 'X-Socket-ID': socketId } : {};
}
