/** What a command may touch of the process; injected so tests can drive commands in-process. */
export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  setExitCode(code: number): void;
  onSignal(signal: NodeJS.Signals, handler: () => void): void;
}

export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    setExitCode: (code) => {
      process.exitCode = code;
    },
    onSignal: (signal, handler) => {
      process.once(signal, handler);
    },
  };
}
