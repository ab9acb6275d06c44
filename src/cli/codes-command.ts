import type { Command } from 'commander';
import { describeKind, describeReaction } from '../docs/readme-tables.js';
import { ALL_CODES, lookupCodes } from '../protocol/codes.js';
import type { CliIO } from './cli-io.js';

export function registerCodesCommand(program: Command, io: CliIO): void {
  program
    .command('codes [code-or-reason]')
    .description('Explain the close codes, pusher:error codes and HTTP statuses the server emits; look one up by number (4009) or by the reason name the logs print (origin_not_allowed)')
    .action((code: string | undefined) => {
      const entries = code === undefined ? ALL_CODES : lookupCodes(code);
      if (entries.length === 0) {
        io.stderr.write(`pusher-sidecar: ${code} is not a code or reason name this server emits. Run "pusher-sidecar codes" for the list.\n`);
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
