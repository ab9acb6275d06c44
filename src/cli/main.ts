import { Command, CommanderError } from 'commander';
import { packageVersion } from '../version.js';
import { processIO, type CliIO } from './cli-io.js';
import { registerCodesCommand } from './codes-command.js';
import { registerDoctorCommand } from './doctor-command.js';
import { registerInstallCommand } from './install-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerStatusCommand } from './status-command.js';

export function buildProgram(io: CliIO): Command {
  const program = new Command('pusher-sidecar')
    .description('A Pusher-protocol WebSocket server beside Caddy / FrankenPHP for Laravel broadcasting')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerServeCommand(program, io);
  registerCodesCommand(program, io);
  registerInstallCommand(program, { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr, setExitCode: io.setExitCode });
  registerStatusCommand(program, io);
  registerDoctorCommand(program, io);
  return program;
}

/** The CLI entry; returns the exit code (bin/pusher-sidecar.js is the only place that exits). */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const tracked: CliIO = { ...io, setExitCode: (code) => (exitCode = code) };
  try {
    await buildProgram(tracked).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return exitCode;
}
