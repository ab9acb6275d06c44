import type { Config } from '../config/schema.js';

/**
 * A failed `listen` of the WebSocket/API server, said so a person can act on it: which address and
 * port, who usually holds it, and which setting moves it. Node's own text ("listen EADDRINUSE:
 * address already in use") names neither the option nor the likely culprit.
 */
export function describeListenError(err: NodeJS.ErrnoException, config: Pick<Config, 'host' | 'port'>): string {
  const where = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${config.port} is already in use on ${config.host} (--port / PUSHER_SIDECAR_PORT): another pusher-sidecar `
        + `(a second \`serve\`, or the systemd/Supervisor service) or Laravel Reverb (\`php artisan reverb:start\`) may be running there. `
        + `Stop it, or choose a free port: \`npx pusher-sidecar install --port <PORT>\` updates PUSHER_SIDECAR_PORT, `
        + 'the REVERB_PORT/PUSHER_PORT Laravel publishes to, and the Caddy snippet together';
    case 'EACCES':
      return `not allowed to listen on ${where}: ports below 1024 need root; use a higher --port (default 6001) behind Caddy`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${config.host} is not an address of this machine; check --host / PUSHER_SIDECAR_HOST`;
    default:
      return `cannot listen on ${where}: ${err.message}`;
  }
}
