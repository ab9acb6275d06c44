import { Command, CommanderError } from 'commander';
import { packageVersion } from '../version.js';
import { processIO, type CliIO } from './cli-io.js';

type Register = (program: Command, io: CliIO) => void;

// Each command's module is loaded only when that command runs (or for help and typo hints, all of
// them): `serve` then starts without the installer, doctor and status code in memory.
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve-command.js')).registerServeCommand,
  codes: async () => (await import('./codes-command.js')).registerCodesCommand,
  install: async () => {
    const { registerInstallCommand } = await import('./install-command.js');
    return (program, io) => registerInstallCommand(program, { cwd: io.cwd, env: io.env, stdout: io.stdout, stderr: io.stderr, setExitCode: io.setExitCode });
  },
  status: async () => (await import('./status-command.js')).registerStatusCommand,
  doctor: async () => (await import('./doctor-command.js')).registerDoctorCommand,
};

/** The program with every command, or only `command` when it names one. */
export async function buildProgram(io: CliIO, command?: string): Promise<Command> {
  const program = new Command('pusher-sidecar')
    .description('A Pusher-protocol WebSocket server beside Caddy / FrankenPHP for Laravel broadcasting')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  const names = command !== undefined && Object.hasOwn(COMMANDS, command) ? [command] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program, io);
  return program;
}

/** The CLI entry; returns the exit code (bin/pusher-sidecar.js is the only place that exits). */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const tracked: CliIO = { ...io, setExitCode: (code) => (exitCode = code) };
  try {
    await (await buildProgram(tracked, argv[2])).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
  return exitCode;
}
