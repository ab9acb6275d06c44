import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { channelAuthString, signToken } from '../auth/signatures.js';
import { isOnPath } from '../installer/find-executable.js';
import { fail, pass, skip, warn, type CheckResult } from './check-result.js';
import type { AppCredentials } from './env-checks.js';
import { LARAVEL_PUBLISH_SCRIPT, REPORT_MARKER } from './laravel-publish-script.js';
import { prefixOf, type Driver } from './laravel-env.js';
import { openDoctorSocket } from './websocket-check.js';

export interface LaravelPublishContext {
  dir: string;
  driver: Driver;
  app: AppCredentials;
  /** Where .env says Laravel publishes (the sidecar's internal address). */
  serverUrl: string;
  timeoutMs: number;
  /** The environment PHP runs with (PATH, and variables that override .env as they do for Laravel). */
  env: Record<string, string | undefined>;
}

/** What the PHP side printed: the connection it used (no secret, only its hash) and how far it got. */
interface PhpReport {
  stage: 'boot' | 'publish' | 'published';
  config?: { connection?: unknown; driver?: unknown; app_id?: unknown; key?: unknown; secret_sha256?: unknown; host?: unknown; port?: unknown; scheme?: unknown; cached?: unknown };
  class?: string;
  message?: string;
  file?: string;
  line?: number;
  previous?: string;
}

type PhpRun = { ok: true; report: PhpReport } | { ok: false; reason: string };

const SDK = 'pusher/pusher-php-server';

function runPhp(context: LaravelPublishContext, channel: string, event: string): Promise<PhpRun> {
  return new Promise((resolve) => {
    // Booting a real app (providers, config) takes a while on a cold opcache: allow more than one network step.
    const limitMs = Math.max(context.timeoutMs * 3, 10_000);
    const child = spawn('php', ['-r', LARAVEL_PUBLISH_SCRIPT, channel, event], { cwd: context.dir, env: context.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: `php could not be started (${error.message})` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const line = stdout.split('\n').reverse().find((l) => l.startsWith(REPORT_MARKER));
      if (line !== undefined) {
        try {
          resolve({ ok: true, report: JSON.parse(line.slice(REPORT_MARKER.length)) as PhpReport });
          return;
        } catch {
          // Fall through to the raw output below.
        }
      }
      const secret = context.app.secret;
      const raw = redact(`${Buffer.concat(err).toString('utf8')}\n${stdout}`.split(secret).join('[secret]')).trim().split('\n').slice(-3).join(' ').slice(0, 400);
      const how = signal === 'SIGKILL' ? `did not finish within ${limitMs} ms` : `exited with code ${code}`;
      resolve({ ok: false, reason: `php ${how} without a report${raw ? `: ${raw}` : ''}` });
    });
  });
}

/** Settings PHP actually used that differ from .env, as "NAME: PHP has x, .env has y"; `names` lists the keys. */
function differences(report: PhpReport, context: LaravelPublishContext, names: string[] = []): string[] {
  const c = report.config ?? {};
  const p = prefixOf(context.driver);
  const server = new URL(context.serverUrl);
  const envPort = server.port || (server.protocol === 'https:' ? '443' : '80');
  const out: string[] = [];
  const compare = (name: string, php: unknown, env: string, shown = true) => {
    const value = php === null || php === undefined ? '' : String(php);
    if (value === env) return;
    names.push(name);
    out.push(shown ? `${name}: Laravel uses ${value === '' ? '(empty)' : value}, .env has ${env}` : `${name} differs from .env`);
  };
  compare('BROADCAST_CONNECTION', c.connection, context.driver);
  compare(`${p}APP_ID`, c.app_id, context.app.id);
  compare(`${p}APP_KEY`, c.key, context.app.key);
  compare(`${p}APP_SECRET`, c.secret_sha256, createHash('sha256').update(context.app.secret).digest('hex'), false);
  compare(`${p}HOST`, c.host, server.hostname.replace(/^\[|\]$/g, ''));
  compare(`${p}PORT`, c.port, envPort);
  compare(`${p}SCHEME`, c.scheme, server.protocol.replace(':', ''));
  return out;
}

/** PHP's words, minus signatures: Guzzle puts the whole signed URI into connection errors. */
function redact(text: string): string {
  return text.replace(/(auth_signature=)[0-9a-f]+/gi, '$1[redacted]');
}

function phpError(report: PhpReport): string {
  const where = report.file ? ` (${report.file.replace(/^.*\/vendor\//, 'vendor/')}:${report.line ?? '?'})` : '';
  return redact(`${report.class ?? 'error'}: ${report.message ?? ''}${where}${report.previous ? `; caused by ${report.previous}` : ''}`);
}

function isConnectionError(message: string): boolean {
  return /connection refused|failed to connect|could not resolve|getaddrinfo|name or service not known|timed out|no route to host|failed to open stream|ssl|tls/i.test(message);
}

/**
 * Publishes through Laravel itself: PHP boots the app and calls the broadcaster of its default
 * connection on a private channel that doctor has subscribed to over a socket at the address in
 * .env. Proves the SDK is installed, the config Laravel really uses (cache included) matches
 * .env, and the sidecar accepts what the app's own SDK signs.
 */
export async function checkLaravelPublish(context: LaravelPublishContext): Promise<CheckResult> {
  const p = prefixOf(context.driver);
  if (!isOnPath('php', context.env)) {
    return skip('laravel-publish', 'php is not on PATH here, so the check that publishes through Laravel itself was skipped: nothing above proves Laravel can publish');
  }
  if (!existsSync(join(context.dir, 'vendor', 'autoload.php'))) {
    return fail('laravel-publish', `vendor/autoload.php is missing: composer install never ran here, so Laravel cannot load ${SDK} and cannot publish`,
      `run composer install in the project (composer require ${SDK} if composer.json lacks it)`);
  }

  const server = new URL(context.serverUrl);
  const socketUrl = `${server.protocol === 'https:' ? 'wss' : 'ws'}://${server.host}/app/${encodeURIComponent(context.app.key)}?protocol=7&client=js&version=8.4.0&flash=false`;
  const opened = await openDoctorSocket(socketUrl, undefined, context.timeoutMs);
  if (opened.kind !== 'established') {
    return fail('laravel-publish', `doctor could not listen on ${context.serverUrl} (${opened.kind === 'closed' ? `closed with ${opened.code}` : opened.kind === 'http' ? `HTTP ${opened.status}` : opened.kind === 'error' ? opened.reason : 'no answer'})`, 'see the checks above');
  }
  const socket = opened.socket;
  try {
    const channel = `private-pusher-sidecar-doctor-${randomBytes(6).toString('hex')}`;
    const event = 'pusher-sidecar.laravel-doctor';
    socket.send({ event: 'pusher:subscribe', data: { channel, auth: signToken(context.app.key, context.app.secret, channelAuthString(socket.socketId, channel)) } });
    const subscribed = await socket.next((f) => (f.event === 'pusher_internal:subscription_succeeded' && f.channel === channel) || f.event === 'pusher:error' || f.event === 'pusher:subscription_error', context.timeoutMs);
    if (subscribed?.event !== 'pusher_internal:subscription_succeeded') {
      return fail('laravel-publish', `subscribing to ${channel} at ${context.serverUrl} failed`, `${p}APP_KEY/${p}APP_SECRET must match the sidecar's app (see the signed API check)`);
    }
    const run = await runPhp(context, channel, event);
    if (!run.ok) return fail('laravel-publish', `Laravel could not be run: ${run.reason}`, 'run php artisan about in the project: it shows the same error');
    const { report } = run;
    const names: string[] = [];
    const diff = report.config ? differences(report, context, names) : [];
    const cached = report.config?.cached === true;
    // Where Laravel's value came from: its config cache, a variable already in the environment
    // (phpdotenv never overwrites one), or config/broadcasting.php itself.
    const fromEnvironment = names.filter((name) => context.env[name] !== undefined);
    const from = cached
      ? 'bootstrap/cache/config.php (a config cache) holds other broadcasting settings than .env'
      : fromEnvironment.length > 0
        ? `the environment already sets ${fromEnvironment.join(', ')}, which wins over .env (phpdotenv never overwrites a variable)`
        : 'config/broadcasting.php does not take these settings from .env';
    const mismatch = diff.length > 0 ? `${from}: ${diff.join('; ')}` : '';
    const mismatchFix = cached
      ? 'run php artisan config:clear (or php artisan config:cache again) so Laravel uses .env; restart queue workers and Octane too'
      : fromEnvironment.length > 0
        ? `unset ${fromEnvironment.join(', ')} in the environment Laravel runs in (shell, service file, container), or give it the .env value`
        : `make config/broadcasting.php read ${p}HOST/${p}PORT/${p}SCHEME and the ${p}APP_* keys with env()`;

    if (report.stage !== 'published') {
      const error = phpError(report);
      if (/Class "?\\?Pusher\\Pusher"? not found/i.test(report.message ?? '')) {
        return fail('laravel-publish', `Laravel cannot publish: ${SDK} is not installed (PHP: ${error})`, `composer require ${SDK} (Laravel's reverb and pusher drivers both use it)`);
      }
      if (report.stage === 'boot') {
        return fail('laravel-publish', `Laravel did not boot (PHP: ${error})`, 'run php artisan about in the project: it shows the same error; fix it, then run doctor again');
      }
      if (mismatch) return fail('laravel-publish', `Laravel's publish failed (PHP: ${error}) because ${mismatch}`, mismatchFix);
      if (isConnectionError(report.message ?? '')) {
        return fail('laravel-publish', `Laravel could not reach the sidecar (PHP: ${error})`,
          `set ${p}HOST, ${p}PORT and ${p}SCHEME in .env to the address the sidecar listens on (doctor reached it at ${context.serverUrl}), then php artisan config:clear`);
      }
      if (/\b401\b|signature|auth_key|timestamp/i.test(report.message ?? '')) {
        return fail('laravel-publish', `the sidecar refused what Laravel signed (PHP: ${error})`, `${p}APP_ID/${p}APP_KEY/${p}APP_SECRET in .env must equal the sidecar's app; restart the sidecar after changing its config`);
      }
      return fail('laravel-publish', `Laravel's publish failed (PHP: ${error})`, 'see storage/logs/laravel.log and the sidecar log');
    }
    // The socket keeps every frame, so an event that came in while PHP was still running is found too.
    const frame = await socket.next((f) => f.event === event && f.channel === channel, context.timeoutMs);
    if (!frame) {
      return fail('laravel-publish', `Laravel published without an error, but the event never reached ${context.serverUrl}${mismatch ? `: ${mismatch}` : ''}`,
        mismatch ? mismatchFix : `${p}HOST/${p}PORT must point at the sidecar doctor reached; check for a second server answering there`);
    }
    const via = `connection '${String(report.config?.connection ?? context.driver)}'`;
    if (mismatch) return warn('laravel-publish', `Laravel published through its ${via} and the event arrived, but ${mismatch}`, mismatchFix);
    return pass('laravel-publish', `Laravel itself (PHP, ${via}) published on ${channel} and the event arrived`);
  } finally {
    socket.close();
  }
}
