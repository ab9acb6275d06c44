/** The `pusher` server SDK pointed at a test sidecar, as Laravel's broadcaster would use it. */
import PusherServer from 'pusher';
import { APP } from './guard-server.js';

export function apiClient(port: number, app = APP): PusherServer {
  return new PusherServer({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(port), useTLS: false });
}
