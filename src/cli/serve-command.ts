import type { Command } from 'commander';
import { createLaravelAuthForwarder } from '../auth/laravel-auth-forwarder.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { createOperations } from '../operations.js';
import { createSidecar } from '../server.js';
import { packageVersion } from '../version.js';
import { describeListenError } from './listen-error.js';
import { addSchemaOptions, givenFlags } from './schema-options.js';
import type { CliIO } from './cli-io.js';

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
    const logger = createLogger({ level: config.logLevel, format: config.logFormat });
    for (const warning of warnings) logger.warn(warning);
    if (envFile) logger.info({ envFile }, 'read Laravel broadcasting settings from .env');
    if (devCredentials) {
      logger.warn('Using the built-in development app (id "app-id", key "app-key" and its well-known secret). These credentials are public: for local development only. Set --app-id/--app-key/--app-secret, an apps file, or run inside a Laravel project with broadcasting configured.');
    }
    // Server-side auth: subscriptions and sign-ins with an empty auth are authorized by Laravel.
    const operations = createOperations({ loaded: result.value, logger, version: packageVersion() });
    const onOutcome = (outcome: string, seconds: number) => {
      for (const observer of operations.observers) observer.authForwarded?.(outcome, seconds);
    };
    const authForwarder = config.authUrl || config.userAuthUrl ? createLaravelAuthForwarder(config, logger, { onOutcome }) : undefined;
    const sidecar = createSidecar({ loaded: result.value, logger, observers: operations.observers, ...(authForwarder ? { authForwarder } : {}) });
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
        sidecar.close().then(() => Promise.all([operations.close(), authForwarder?.close()])).then(() => {
          logger.info('stopped');
          logger.flush();
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
