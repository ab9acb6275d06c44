import type { LaravelProject } from './detect-project.js';
import { findArrayEntry } from './php-array.js';
import { addChange, toLf, type Plan } from './plan.js';
import { renderStub } from './render-stub.js';
import type { InstallSettings } from './resolve-settings.js';

const PATH = 'config/broadcasting.php';

export function connectionSnippet(settings: InstallSettings): string {
  if (settings.connection === 'reverb') return renderStub('php/connection-reverb.php.stub', {});
  const options = renderStub('php/pusher-options.php.stub', {}).replace(/\n$/, '');
  return renderStub('php/connection-pusher.php.stub', { options });
}

/** Puts the connection on its own, blank-line separated, right after `'connections' => [`. */
function insertAfterLine(text: string, lineEnd: number, snippet: string): string {
  const rest = text.slice(lineEnd + 1);
  return text.slice(0, lineEnd + 1) + '\n' + snippet + (/^[ \t]*\r?\n/.test(rest) ? '' : '\n') + rest;
}

/** Does the connection read everything it needs from the env keys we write? */
function readsOurEnv(block: string, p: string): boolean {
  return ['APP_KEY', 'APP_SECRET', 'APP_ID', 'HOST', 'PORT', 'SCHEME'].every((suffix) => block.includes(`env('${p}_${suffix}'`));
}

/**
 * A connection as older Laravel versions shipped it: the right credentials, and options that hold
 * only `cluster`, `useTLS` and `encrypted` (so no host: pusher-php would post to pusher.com).
 * Those options can be replaced wholesale without losing anything the user wrote.
 */
function stockOptionsRange(text: string, block: { open: number; close: number }, p: string): { open: number; close: number } | null {
  const body = text.slice(block.open, block.close + 1);
  if (!['APP_KEY', 'APP_SECRET', 'APP_ID'].every((suffix) => body.includes(`env('${p}_${suffix}')`))) return null;
  const options = findArrayEntry(text, 'options', block.open);
  if (!options || options.close > block.close) return null;
  const inner = text.slice(options.open + 1, options.close);
  const entries = inner.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const stock = /^'(cluster|useTLS|encrypted)' => (env\('PUSHER_APP_CLUSTER'(, '\w+')?\)|true|false),$/;
  return entries.length > 0 && entries.every((line) => stock.test(line)) ? { open: options.open, close: options.close } : null;
}

/**
 * config/broadcasting.php: created from our stub when missing; a connection that already reads
 * our env keys is left as is; a stock connection missing host/port/scheme gets them; a missing
 * connection is added at the top of `connections` (as `reverb:install` does); anything else is
 * the user's own work and is left alone, with the snippet printed.
 */
export function planBroadcastingConfig(plan: Plan, project: LaravelProject, settings: InstallSettings): void {
  const name = settings.connection;
  const p = settings.envPrefix;
  const snippet = connectionSnippet(settings);
  const raw = project.files.read(PATH);

  if (raw === null) {
    addChange(plan, {
      path: PATH,
      before: null,
      after: renderStub('php/broadcasting.php.stub', { broadcastKey: project.broadcastKey, envPrefix: p, connection: snippet }),
      why: `the ${name} connection PHP publishes through, pointed at the sidecar`,
    });
    return;
  }

  const text = toLf(raw);
  const connections = findArrayEntry(text, 'connections');
  const block = findArrayEntry(text, name, connections?.open ?? 0);
  if (block && (!connections || block.close < connections.close)) {
    if (readsOurEnv(text.slice(block.open, block.close + 1), p)) return;
    const options = name === 'pusher' ? stockOptionsRange(text, block, p) : null;
    if (options) {
      const indent = /\n([ \t]*)[^\n]*$/.exec(text.slice(0, options.close))?.[1] ?? '            ';
      const body = renderStub('php/pusher-options.php.stub', {});
      addChange(plan, {
        path: PATH,
        before: raw,
        after: text.slice(0, options.open + 1) + '\n' + body + indent + text.slice(options.close),
        why: `the stock ${name} connection gains host/port/scheme/useTLS so PHP publishes to the sidecar`,
      });
      return;
    }
    plan.manual.push({
      path: PATH,
      why: `the '${name}' connection is customised, so it was left alone. Make sure it reads these keys (or replace it with):`,
      snippet,
    });
    return;
  }

  if (connections) {
    const lineEnd = text.indexOf('\n', connections.open);
    if (lineEnd !== -1) {
      addChange(plan, {
        path: PATH,
        before: raw,
        after: insertAfterLine(text, lineEnd, snippet),
        why: `adds the ${name} connection PHP publishes through, pointed at the sidecar`,
      });
      return;
    }
  }
  plan.manual.push({ path: PATH, why: `no 'connections' array found; add this connection to it:`, snippet });
}
