import type { Command } from 'commander';
import { clusterRedisUrl } from '../cluster/create-cluster.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { createOperations } from '../operations.js';
import { createSidecar } from '../server.js';
import { packageVersion } from '../version.js';
import { describeListenError } from './listen-error.js';
import { addSchemaOptions, givenFlags } from './schema-options.js';
import type { CliIO } from './cli-io.js';
import { leaveWorkerPool, runWorkers, workerId } from './run-workers.js';

export function registerServeCommand(program: Command, io: CliIO): void {
  const command = program
    .command('serve')
    .description('Run the Pusher-protocol server (WebSocket /app/{key} and the HTTP API /apps/{id}/...)')
    .option('--config <FILE>', 'JSON file of options (camelCase keys, plus "apps") [env: PUSHER_SIDECAR_CONFIG]')
    .allowUnknownOption(true)
    .allowExcessArguments(true);
  addSchemaOptions(command);
  command.action(async (_options: unknown, cmd: Command) => {
    const unknownFlags = cmd.args.filter((arg) => arg.startsWith('-'));
    const result = loadConfig({
      cwd: io.cwd, env: io.env, flags: givenFlags(cmd), unknownFlags,
      ...(cmd.opts().config ? { configFile: cmd.opts().config as string } : {}),
    });
    if (!result.ok) {
      io.stderr.write(`pusher-sidecar: invalid configuration (${result.errors.length} problem${result.errors.length > 1 ? 's' : ''}):\n`);
      for (const error of result.errors) io.stderr.write(`  - ${error}\n`);
      io.stderr.write('Run "pusher-sidecar serve --help" for every option.\n');
      io.setExitCode(2);
      return;
    }
    const { config, warnings, devCredentials, envFile } = result.value;
    const worker = workerId();
    if (config.workers > 1 && worker === undefined && clusterRedisUrl(config) === undefined) {
      io.stderr.write(`pusher-sidecar: --workers ${config.workers} runs ${config.workers} nodes that must share state through Redis: set --redis-url (or --adapter redis with REDIS_HOST/REDIS_PORT in ./.env), or use --workers 1.\n`);
      io.setExitCode(2);
      return;
    }
    const rootLogger = createLogger({ level: config.logLevel, format: config.logFormat });
    if (config.workers > 1 && worker === undefined) {
      await runWorkers(config.workers, rootLogger, io);
      rootLogger.flush();
      return;
    }
    const logger = worker === undefined ? rootLogger : rootLogger.child({ worker });
    for (const warning of warnings) logger.warn(warning);
    if (envFile) logger.info({ envFile }, 'read Laravel broadcasting settings from .env');
    if (devCredentials) {
      logger.warn('Using the built-in development app (id "app-id", key "app-key" and its well-known secret). These credentials are public: for local development only. Set --app-id/--app-key/--app-secret, an apps file, or run inside a Laravel project with broadcasting configured.');
    }
    // Server-side auth: subscriptions and sign-ins with an empty auth are authorized by Laravel.
    const operations = await createOperations({ loaded: result.value, logger, version: packageVersion(), doctor: { dir: io.cwd, env: io.env } });
    const onOutcome = (outcome: string, seconds: number) => {
      for (const observer of operations.observers) observer.authForwarded?.(outcome, seconds);
    };
    // Loaded only when used: it brings undici, which a default start has no need for.
    const authForwarder = config.authUrl || config.userAuthUrl
      ? (await import('../auth/laravel-auth-forwarder.js')).createLaravelAuthForwarder(config, logger, { onOutcome })
      : undefined;
    // Each worker's metrics carry its number: a scrape through the shared port reaches any one of them.
    if (worker !== undefined) operations.metrics?.registry.setDefaultLabels({ worker: String(worker) });
    const sidecar = createSidecar({
      loaded: result.value, logger, observers: operations.observers,
      ...(worker !== undefined ? { nodeName: `worker-${worker}` } : {}),
      ...(authForwarder ? { authForwarder } : {}),
    });
    let address: Awaited<ReturnType<typeof sidecar.listen>>;
    try {
      const metrics = await operations.start(sidecar);
      if (metrics) logger.info({ url: metrics.url }, `metrics on ${metrics.url}`);
      address = await sidecar.listen().catch((err: NodeJS.ErrnoException) => {
        throw new Error(describeListenError(err, config));
      });
    } catch (err) {
      logger.error((err as Error).message);
      await operations.close();
      await authForwarder?.close();
      logger.flush();
      io.setExitCode(1);
      return;
    }
    logger.info({ host: address.host, port: address.port, url: address.url, apps: result.value.apps.map((a) => a.id) }, `listening on ${address.url}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        // The console first: its last cluster message (watch closed) needs Redis, which the sidecar closes.
        operations.console?.close();
        sidecar.close().then(() => Promise.all([operations.close(), authForwarder?.close()])).then(() => {
          logger.info('stopped');
          logger.flush();
          leaveWorkerPool();
          resolve();
        }, (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          io.setExitCode(1);
          resolve();
        });
      };
      io.onSignal('SIGTERM', () => stop('SIGTERM'));
      io.onSignal('SIGINT', () => stop('SIGINT'));
    });
  });
}
