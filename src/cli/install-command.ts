import type { Command } from 'commander';
import { execa } from 'execa';
import { isOnPath } from '../installer/find-executable.js';
import type { InstallOptions } from '../installer/install-options.js';
import { runInstall, type InstallDeps } from '../installer/run-install.js';
import { inquirerPrompts } from './inquirer-prompts.js';

export interface InstallCommandDeps extends Partial<InstallDeps> {
  /** Receives the exit code; main.ts owns process.exit. Defaults to setting process.exitCode. */
  setExitCode?: (code: number) => void;
}

function realDeps(overrides: InstallCommandDeps): InstallDeps {
  return {
    cwd: overrides.cwd ?? process.cwd(),
    prompts: overrides.prompts ?? inquirerPrompts,
    run: overrides.run ?? (async (command, args, { cwd }) => {
      // The terminal is attached so composer/npm progress and their own prompts work as usual.
      const result = await execa(command, [...args], { cwd, stdio: 'inherit', reject: false });
      return { exitCode: result.exitCode ?? 1 };
    }),
    isOnPath: overrides.isOnPath ?? ((name) => isOnPath(name)),
    stdout: overrides.stdout ?? process.stdout,
    stderr: overrides.stderr ?? process.stderr,
    isTTY: overrides.isTTY ?? Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env: overrides.env ?? process.env,
    ...(overrides.generateCredentials ? { generateCredentials: overrides.generateCredentials } : {}),
  };
}

/** Adds `install` to the CLI. Every interactive answer has a flag, for CI and scripts. */
export function registerInstallCommand(program: Command, deps: InstallCommandDeps = {}): Command {
  return program
    .command('install')
    .description('Wire the Laravel app in this directory to pusher-sidecar: .env, broadcasting config, channel routes, Echo, Caddy snippet')
    .option('-y, --yes', 'ask nothing; use flags and defaults (also when stdin is not a TTY or CI is set)')
    .option('--public-host <host>', 'host browsers connect to, through Caddy (default: from APP_URL)')
    .option('--public-port <port>', 'port browsers connect to (default: from APP_URL, 443 for https)')
    .option('--scheme <scheme>', 'http or https, as browsers see the site (default: from APP_URL)')
    .option('--host <host>', "the sidecar's internal address; Laravel publishes here (default 127.0.0.1)")
    .option('--port <port>', "the sidecar's internal port (default 6001)")
    .option('--app-id <id>', 'app id (default: reused from .env, else generated)')
    .option('--app-key <key>', 'app key (default: reused from .env, else generated)')
    .option('--app-secret <secret>', 'app secret (default: reused from .env, else generated)')
    .option('--client-events', 'allow client events (whisper) on private and presence channels')
    .option('--server-auth', 'Echo sends private subscriptions with empty auth; the sidecar asks Laravel itself')
    .option('--auth-url <url>', 'with --server-auth: Laravel auth endpoint the sidecar calls (default: APP_URL/broadcasting/auth)')
    .option('--service <kind>', 'also write a service file: none, systemd or supervisor')
    .option('--no-deps', 'do not run composer / npm; print the commands instead')
    .option('--dry-run', 'show what would change, as diffs; write nothing')
    .option('--force', 'replace hand-edited Echo files and a BROADCAST_CONNECTION set to another driver')
    .action(async (opts: InstallOptions) => {
      const code = await runInstall(opts, realDeps(deps));
      if (deps.setExitCode) deps.setExitCode(code);
      else process.exitCode = code;
    });
}
