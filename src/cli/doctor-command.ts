import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CHECK_IDS, type CheckId, type CheckResult, type CheckStatus } from '../doctor/check-result.js';
import { runDoctor } from '../doctor/run-doctor.js';
import type { CliIO } from './cli-io.js';

const TITLES: Record<CheckId, string> = {
  env: '.env',
  driver: 'broadcast driver',
  credentials: 'app credentials',
  server: 'publish address',
  vite: 'browser (VITE_) settings',
  bundle: 'built front end',
  'app-url': 'APP_URL',
  config: 'config/broadcasting.php',
  'config-cache': 'config cache',
  caddy: 'Caddy snippet',
  up: 'sidecar /up',
  ready: 'sidecar /ready (Redis in cluster mode)',
  api: 'signed API call',
  websocket: 'WebSocket via the public URL',
  'round-trip': 'publish → receive',
  'laravel-publish': 'publish through Laravel (PHP)',
  'auth-route': '/broadcasting/auth',
};

const MARKS: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-' };

export function renderDoctorReport(dir: string, results: readonly CheckResult[]): string {
  const lines = [`pusher-sidecar doctor — ${dir}`, ''];
  for (const result of results) {
    lines.push(`${MARKS[result.status]} ${TITLES[result.id]}: ${result.detail}`);
    if (result.fix && result.status !== 'pass') lines.push(`    fix: ${result.fix}`);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  const skipped = results.filter((r) => r.status === 'skip').length;
  lines.push('');
  if (failed === 0) {
    const notes = [warned > 0 ? `${warned} warning${warned > 1 ? 's' : ''}` : '', skipped > 0 ? `${skipped} skipped` : ''].filter(Boolean);
    lines.push(`All checks passed${notes.length > 0 ? ` (${notes.join(', ')})` : ''}.`);
  } else {
    lines.push(`${failed} check${failed > 1 ? 's' : ''} failed. Fix them from the top: an early failure often explains the ones below it.`);
  }
  return lines.join('\n') + '\n';
}

export function registerDoctorCommand(program: Command, io: CliIO): void {
  program
    .command('doctor [dir]')
    .description('Check a Laravel project\'s broadcasting setup end to end (.env, config, Caddy, the sidecar, a live WebSocket round trip, a publish through Laravel itself, /broadcasting/auth)')
    .option('--timeout <MS>', 'time allowed for each network step', '5000')
    .option('--caddyfile <FILE>', 'the Caddyfile that should import pusher-sidecar.caddy (default: ./Caddyfile)')
    .option('--skip <CHECKS>', `comma-separated checks to leave out: ${CHECK_IDS.join(', ')}`)
    .action(async (dirArg: string | undefined, options: { timeout: string; caddyfile?: string; skip?: string }) => {
      const skip = new Set((options.skip ?? '').split(',').map((s) => s.trim()).filter(Boolean));
      const unknown = [...skip].filter((id) => !(CHECK_IDS as readonly string[]).includes(id));
      if (unknown.length > 0) {
        io.stderr.write(`pusher-sidecar: --skip ${unknown.join(',')}: unknown check (known: ${CHECK_IDS.join(', ')})\n`);
        io.setExitCode(2);
        return;
      }
      const timeoutMs = Number(options.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
        io.stderr.write('pusher-sidecar: --timeout must be a positive number of milliseconds\n');
        io.setExitCode(2);
        return;
      }
      const dir = resolve(io.cwd, dirArg ?? '.');
      const report = await runDoctor({ dir, env: io.env, timeoutMs, skip, ...(options.caddyfile ? { caddyfile: options.caddyfile } : {}) });
      io.stdout.write(renderDoctorReport(dir, report.results));
      if (report.results.some((r) => r.status === 'fail')) io.setExitCode(1);
    });
}
