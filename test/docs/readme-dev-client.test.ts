import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../helpers/cleanup.js';
import { DEFAULT_APP, startSidecar } from '../helpers/start-sidecar.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function snippet(name: string): string {
  const block = new RegExp(`<!-- ${name}:start -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\`\\n<!-- ${name}:end -->`).exec(readme);
  if (!block) throw new Error(`README lacks the ${name} snippet`);
  return block[1]!;
}

describe("README's development client", () => {
  it('pusher-js and Echo, as printed, receive an event published as printed', async () => {
    const server = await startSidecar({}, { apps: [DEFAULT_APP] });
    const withPort = (code: string) => code.replaceAll('6001', String(server.port));
    // Next to package.json, so the imports resolve from this repo's node_modules.
    const file = fileURLToPath(new URL(`../../.readme-dev-client-${process.pid}.mjs`, import.meta.url));
    const publish = withPort(snippet('dev-publish'));
    const imports = publish.split('\n').filter((line) => line.startsWith('import ')).join('\n');
    const body = publish.split('\n').filter((line) => !line.startsWith('import ')).join('\n');
    // The client as printed, then (once both sockets are subscribed) the publish as printed.
    writeFileSync(file, `${imports}\n${withPort(snippet('dev-client'))}\n`
      + "await Promise.all([new Promise((r) => pusher.channel('orders').bind('pusher:subscription_succeeded', r)),\n"
      + "  new Promise((r) => echo.connector.channels.orders.subscribed(r))]);\n"
      + `${body}\n`);
    onCleanup(() => rmSync(file, { force: true }));
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    onCleanup(() => {
      child.kill();
    });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`the snippet exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        got.push(line);
        if (got.length === 2) resolve();
      });
    });
    expect(got.sort()).toEqual(["Echo got { id: 1 }", "pusher-js got { id: 1 }"]);
  });
});
