// Shared plumbing for load-generator processes: parameters in argv, results and progress over IPC,
// and a hard time cap so a scenario always stops by itself.
import { performance } from 'node:perf_hooks';

export const params = JSON.parse(process.argv[2] ?? '{}');

const inbox = [];
const waiters = [];
process.on('message', (msg) => {
  const i = waiters.findIndex((w) => w.type === msg?.type);
  if (i !== -1) waiters.splice(i, 1)[0].resolve(msg);
  else inbox.push(msg);
});

/** Wait for the orchestrator's next message of this type. */
export function waitMessage(type) {
  const i = inbox.findIndex((m) => m?.type === type);
  if (i !== -1) return Promise.resolve(inbox.splice(i, 1)[0]);
  return new Promise((resolve) => waiters.push({ type, resolve }));
}

export function send(msg) {
  process.send?.(msg);
}

export function log(text) {
  send({ type: 'log', text });
}

/** Run the scenario body, report its result (or error) and exit. */
export function main(body) {
  const capMs = params.capMs ?? 120_000;
  setTimeout(() => {
    send({ type: 'error', message: `load generator hit its time cap (${Math.round(capMs / 1000)} s)` });
    setTimeout(() => process.exit(3), 50);
  }, capMs).unref();
  body().then(
    (result) => {
      process.send?.({ type: 'result', result }, () => process.exit(0));
      if (!process.send) process.exit(0);
    },
    (err) => {
      send({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
      setTimeout(() => process.exit(2), 50);
    },
  );
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const nowUs = () => performance.now() * 1000;

/** Poll `cond` every few ms until true or `timeoutMs` passes; resolves to cond(). */
export async function until(cond, timeoutMs, everyMs = 5) {
  const end = performance.now() + timeoutMs;
  while (!cond() && performance.now() < end) await sleep(everyMs);
  return cond();
}
