import { Writable } from 'node:stream';
import type { CliIO } from '../../src/cli/cli-io.js';

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
