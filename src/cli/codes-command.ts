import type { Command } from 'commander';
import { describeKind, describeReaction } from '../docs/readme-tables.js';
import { ALL_CODES, findCodes } from '../protocol/codes.js';
import type { CliIO } from './cli-io.js';

export function registerCodesCommand(program: Command, io: CliIO): void {
  program
    .command('codes [code]')
    .description('Explain the close codes, pusher:error codes and HTTP statuses the server emits')
    .action((code: string | undefined) => {
      // A number, or a reason name as logs and metrics print it (`codes origin_not_allowed`).
      const entries = code === undefined ? ALL_CODES : /^\d+$/.test(code) ? findCodes(Number(code)) : ALL_CODES.filter((e) => e.id === code.toLowerCase());
      if (entries.length === 0) {
        io.stderr.write(`pusher-sidecar: ${code} is not a code this server emits (nor a reason name). Run "pusher-sidecar codes" for the list.\n`);
        io.setExitCode(1);
        return;
      }
      if (code === undefined) {
        for (const e of entries) io.stdout.write(`${String(e.code).padEnd(5)} ${describeKind(e).padEnd(26)} ${e.message}\n`);
        io.stdout.write('\nRun "pusher-sidecar codes <code or reason>" for what to do about one.\n');
        return;
      }
      for (const e of entries) {
        io.stdout.write(`${e.code} — ${e.message} (${describeKind(e)}, reason "${e.id}")\n`);
        io.stdout.write(`  pusher-js: ${describeReaction(e)}\n`);
        io.stdout.write(`  fix: ${e.fix}\n`);
      }
    });
}
