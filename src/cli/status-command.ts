import type { Command } from 'commander';
import { request } from 'undici';
import { CONFIG_SCHEMA, envName } from '../config/schema.js';
import { describeEnvProblem, readLaravelEnv } from '../laravel/laravel-env.js';
import { parsePrometheusText } from '../metrics/prometheus-text.js';
import { renderStatus } from '../metrics/status-report.js';
import type { CliIO } from './cli-io.js';

/** Where this machine's server exposes /metrics, from the same env twins `serve` reads. */
export function defaultMetricsUrl(env: CliIO['env']): string {
  const port = env[envName('metricsPort')] ?? String(CONFIG_SCHEMA.metricsPort.default);
  let host = env[envName('metricsHost')] ?? CONFIG_SCHEMA.metricsHost.default;
  if (host === '0.0.0.0' || host === '::' || host === '') host = '127.0.0.1';
  if (host.includes(':')) host = `[${host}]`;
  return `http://${host}:${port}/metrics`;
}

/** Accepts `host:port`, `http://host:port` or the full /metrics URL. */
export function metricsUrl(given: string): string {
  const url = new URL(/^https?:\/\//.test(given) ? given : `http://${given}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/metrics';
  return url.toString();
}

/** ./.env below the real environment, read as `serve` reads it (src/laravel). */
function environment(io: CliIO): CliIO['env'] {
  const read = readLaravelEnv(io.cwd, io.env);
  if (read.ok) return { ...read.env.php, ...io.env };
  if (read.reason !== 'missing') io.stderr.write(`pusher-sidecar: ${describeEnvProblem(read)}; using defaults\n`);
  return { ...io.env };
}

export function registerStatusCommand(program: Command, io: CliIO): void {
  program
    .command('status')
    .description('One-screen summary of a running server, read from its /metrics endpoint')
    .option('--url <URL>', 'metrics endpoint of the server (default: --metrics-host/--metrics-port from the environment or ./.env, else 127.0.0.1:9601)')
    .option('--timeout <MS>', 'give up after this many milliseconds', '5000')
    .action(async (options: { url?: string; timeout: string }) => {
      let url: string;
      try {
        url = options.url ? metricsUrl(options.url) : defaultMetricsUrl(environment(io));
      } catch {
        io.stderr.write(`pusher-sidecar: --url ${options.url}: not a URL (e.g. http://10.0.0.5:9601)\n`);
        io.setExitCode(2);
        return;
      }
      let text: string;
      try {
        const response = await request(url, { signal: AbortSignal.timeout(Number(options.timeout) || 5000) });
        text = await response.body.text();
        if (response.statusCode !== 200) {
          io.stderr.write(`pusher-sidecar: ${url} answered HTTP ${response.statusCode}; is that the metrics port (--metrics-port, default 9601)?\n`);
          io.setExitCode(1);
          return;
        }
      } catch (err) {
        const error = err as Error & { code?: string; cause?: { code?: string } };
        const why = error.name === 'TimeoutError' ? 'no answer in time' : error.code ?? error.cause?.code ?? error.message;
        io.stderr.write(`pusher-sidecar: cannot read ${url} (${why}).\n`
          + '  Is the server running? Its metrics listen on --metrics-host/--metrics-port (default 127.0.0.1:9601; 0 disables them).\n'
          + '  For another host, expose the metrics port to this machine and pass --url http://HOST:PORT.\n');
        io.setExitCode(1);
        return;
      }
      const parsed = parsePrometheusText(text);
      if (!parsed.ok) {
        io.stderr.write(`pusher-sidecar: ${url}: ${parsed.reason}; point --url at the sidecar's metrics port\n`);
        io.setExitCode(1);
        return;
      }
      io.stdout.write(renderStatus(parsed.samples, url, Date.now() / 1000));
    });
}
