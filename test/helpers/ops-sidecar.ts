import { Writable } from 'node:stream';
import type { App } from '../../src/apps/app.js';
import type { CliIO } from '../../src/cli/cli-io.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import { pusherClient, type PusherClient } from './clients.js';
import { channelAuth } from './signing.js';

/** A pino logger whose JSON lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', destination });
  return {
    logger,
    lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** pusher-js as a browser would use it, with private/presence channels authorized as Laravel would (as `user`). */
export function authorizedClient(port: number, app: App, user?: { id: string; info?: unknown }): PusherClient {
  return pusherClient(port, app.key, {
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: (params: { socketId: string; channelName: string }, callback: (error: Error | null, data: { auth: string; channel_data?: string }) => void) => {
        const channelData = params.channelName.startsWith('presence-') && user
          ? JSON.stringify({ user_id: user.id, user_info: user.info ?? {} })
          : undefined;
        const auth = channelAuth(app.key, app.secret, params.socketId, params.channelName, channelData);
        callback(null, channelData === undefined ? { auth } : { auth, channel_data: channelData });
      },
    },
  });
}

export function subscribed(client: PusherClient, name: string) {
  const channel = client.subscribe(name);
  return new Promise<typeof channel>((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve(channel));
    channel.bind('pusher:subscription_error', (err: unknown) => reject(new Error(`subscription to ${name} failed: ${JSON.stringify(err)}`)));
  });
}

/** Resolves once pusher-js reports the socket closed. */
export function disconnected(client: PusherClient): Promise<void> {
  return new Promise((resolve) => {
    client.connection.bind('disconnected', () => resolve());
    client.disconnect();
  });
}

export function silentLogger(): Logger {
  return createLogger({ level: 'silent', format: 'json' });
}

/** A CliIO whose output is kept, for running commands in-process through `main`. */
export function captureIO(cwd: string, env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => new Writable({
    write(chunk: Buffer, _encoding, done) {
      append(chunk.toString());
      done();
    },
  });
  const io: CliIO = {
    cwd, env,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    setExitCode: () => {},
    onSignal: () => {},
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}
