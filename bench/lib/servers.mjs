// Start and stop the measured servers: each in its own process, pinned to the server CPU when
// taskset is available, stdout/stderr to a log file (so reading logs costs the orchestrator
// nothing during a measurement), ready when it logs its "listening" JSON line.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
const probe = pathToFileURL(join(here, 'server-probe.mjs')).href;

export const APP = { id: 'bench', key: 'bench-key', secret: 'bench-secret' };

/**
 * Wrap a command so it runs on one CPU (taskset) and, when allowed, at a raised priority (nice -10)
 * so other processes on a shared box disturb the measurement less. Both servers and the load
 * generator get the same treatment.
 */
export function pinned(cpu, nice, command) {
  let cmd = command;
  if (cpu !== null) cmd = ['taskset', '-c', String(cpu), ...cmd];
  if (nice) cmd = ['nice', '-n', '-10', ...cmd];
  return [cmd[0], cmd.slice(1)];
}

/**
 * Caps a production default must have but a 15,000-connection bench from one IP must lift, by
 * option name. Each is passed only when the benched build's schema has it, so the bench runs
 * against older checkouts (--sidecar-root) too.
 */
const LIFTED_CAPS = {
  maxConnections: '0',
  maxConnectionsPerIp: '0',
  maxSubscriptions: '0',
  handshakeRate: '0',
  metricsPort: '0',
  maxPresenceMembers: '2000',
};

/** Command line of each server; the sidecar gets its default options plus the limits the bench must lift. */
export async function serverArgs(kind, sidecarRoot = repoRoot, extraArgs = []) {
  const common = ['--host', '127.0.0.1', '--port', '0', '--app-id', APP.id, '--app-key', APP.key, '--app-secret', APP.secret];
  if (kind === 'baseline') return [join(repoRoot, 'bench', 'baseline-server.mjs'), ...common];
  const { CONFIG_SCHEMA } = await import(pathToFileURL(join(sidecarRoot, 'dist', 'config', 'schema.js')).href);
  const lifted = Object.entries(LIFTED_CAPS)
    .filter(([name]) => Object.hasOwn(CONFIG_SCHEMA, name))
    .flatMap(([name, value]) => [`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value]);
  return [join(sidecarRoot, 'bin', 'pusher-sidecar.js'), 'serve', ...common, '--log-level', 'info', '--log-format', 'json', ...lifted, ...extraArgs];
}

/**
 * @param {'sidecar'|'baseline'} kind
 * @param {{cpu: number|null, nice?: boolean, logDir: string, cpuProfDir?: string|null, label: string, sidecarRoot?: string, extraArgs?: string[]}} options
 *   sidecarRoot: a checkout whose bin/ and dist/ to run (default: this one)
 *   extraArgs: more sidecar flags (the cluster scenario's --redis-url)
 */
export async function startServer(kind, { cpu, nice = false, logDir, cpuProfDir = null, label, sidecarRoot = repoRoot, extraArgs = [] }) {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${label}.log`);
  const fd = openSync(logFile, 'w');
  const nodeArgs = ['--expose-gc', '--import', probe];
  if (cpuProfDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', `${label}.cpuprofile`);
  const argv = [...nodeArgs, ...(await serverArgs(kind, sidecarRoot, extraArgs))];
  const [cmd, args] = pinned(cpu, nice, [process.execPath, ...argv]);
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', fd, fd, 'ipc'], env: { ...process.env, NODE_ENV: 'production' } });
  closeSync(fd);
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = { code, signal };
  });

  const deadline = Date.now() + 15_000;
  let port = null;
  while (port === null) {
    if (exited) throw new Error(`${kind} exited during start-up (${JSON.stringify(exited)}):\n${tail(logFile)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} did not log "listening" within 15 s:\n${tail(logFile)}`);
    }
    port = findPort(readFileSync(logFile, 'utf8'));
    if (port === null) await sleep(50);
  }

  return {
    kind,
    pid: child.pid,
    port,
    logFile,
    /** Force GC in the server (via the probe) and return its process.memoryUsage(). */
    gc() {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('gc request timed out')), 10_000);
        const onMsg = (m) => {
          if (m?.type !== 'gc-done') return;
          clearTimeout(timer);
          child.off('message', onMsg);
          resolve(m);
        };
        child.on('message', onMsg);
        child.send({ cmd: 'gc' });
      });
    },
    async stop() {
      if (exited) return exited;
      const done = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
      try {
        child.send({ cmd: 'exit' });
      } catch {
        child.kill('SIGTERM');
      }
      const result = await Promise.race([done, sleep(10_000).then(() => null)]);
      if (result) return result;
      child.kill('SIGKILL');
      return done;
    },
    alive: () => exited === null,
    logTail: () => tail(logFile),
  };
}

function findPort(text) {
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const rec = JSON.parse(line);
      if (typeof rec.msg === 'string' && rec.msg.includes('listening') && Number.isInteger(Number(rec.port))) {
        return Number(rec.port);
      }
    } catch {
      // not a JSON log line (e.g. a Node warning); keep looking
    }
  }
  return null;
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
