// Process CPU and memory from /proc, so the figures include every thread of the process
// (V8 GC helpers, libuv pool) and need no cooperation from the measured server.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // getconf is missing on some minimal images; 100 Hz is the Linux USER_HZ on every mainstream arch.
  ticksPerSecond = 100;
}

/**
 * utime + stime of a process in microseconds (resolution: one clock tick, usually 10 ms).
 * With `children`, adds the CPU of its exited-and-waited-for children (cutime + cstime): how the
 * orchestrator accounts for a wrk run it waited on.
 */
export function cpuMicros(pid, children = false) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields after the closing ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let ticks = Number(fields[11]) + Number(fields[12]);
  if (children) ticks += Number(fields[13]) + Number(fields[14]);
  return (ticks * 1e6) / ticksPerSecond;
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** CPU model name, for the hardware line. */
export function cpuModel() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    return m ? m[1].trim() : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A CPU sampler over a window: start() then stop() → { cpuUs, wallUs, percent }. */
export function cpuWindow(pid) {
  const c0 = cpuMicros(pid);
  const t0 = performance.now();
  return {
    stop() {
      const cpuUs = cpuMicros(pid) - c0;
      const wallUs = (performance.now() - t0) * 1000;
      return { cpuUs, wallUs, percent: wallUs > 0 ? (100 * cpuUs) / wallUs : 0 };
    },
  };
}

/** Per-CPU jiffies from /proc/stat: { busy (user+nice+system), softirq, irq, steal, total } keyed by cpu index or 'all'. */
export function cpuTimes() {
  const out = {};
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2].split(/\s+/).map(Number);
    out[m[1] === '' ? 'all' : Number(m[1])] = {
      busy: user + nice + system,
      irq: irq + softirq,
      steal,
      total: user + nice + system + idle + iowait + irq + softirq + steal,
    };
  }
  return out;
}

/**
 * Measure a window: CPU of the server and the load generator, plus how much CPU *other* processes
 * took on the server's core and on the load core (the machine is shared; a window where someone
 * else's compiler ran on the server core is not a clean sample).
 * @param {{serverPid: number|number[], serverCore: number|null, loadCore: number|null, withChildren?: boolean}} o
 *   withChildren: count this process's waited-for children as the load generator (wrk)
 */
export function measureWindow({ serverPid, serverCore, loadCore, withChildren = false }) {
  // A cluster passes every process that serves it (its nodes and Redis): their CPU is summed.
  const serverCpu = () => [].concat(serverPid).reduce((sum, pid) => sum + cpuMicros(pid), 0);
  const s0 = serverCpu();
  const c0 = cpuMicros(process.pid, withChildren);
  const t0 = performance.now();
  const k0 = cpuTimes();
  return {
    stop() {
      const serverUs = serverCpu() - s0;
      const clientUs = cpuMicros(process.pid, withChildren) - c0;
      const wallUs = (performance.now() - t0) * 1000;
      const k1 = cpuTimes();
      const tickUs = 1e6 / ticksPerSecond;
      const busyUs = (key) => (k1[key].busy - k0[key].busy) * tickUs;
      const irqUs = (key) => (k1[key].irq - k0[key].irq) * tickUs;
      let foreignServerCore;
      let foreignLoadCore;
      if (serverCore !== null && loadCore !== null && k1[serverCore] && k1[loadCore]) {
        foreignServerCore = Math.max(0, busyUs(serverCore) - serverUs);
        // The orchestrator also lives on the load core; it is idle while a load script measures.
        foreignLoadCore = Math.max(0, busyUs(loadCore) - clientUs);
      } else {
        foreignServerCore = Math.max(0, busyUs('all') - serverUs - clientUs);
        foreignLoadCore = foreignServerCore;
      }
      const pct = (us) => +((100 * us) / wallUs).toFixed(1);
      return {
        wallUs,
        serverCpuUs: serverUs,
        clientCpuUs: clientUs,
        serverCpuPercent: pct(serverUs),
        clientCpuPercent: pct(clientUs),
        // Kernel interrupt time (loopback TCP receive work lands here, not in any process).
        irqPercent: pct(serverCore !== null && k1[serverCore] ? irqUs(serverCore) + irqUs(loadCore) : irqUs('all')),
        foreignServerCorePercent: pct(foreignServerCore),
        foreignLoadCorePercent: pct(foreignLoadCore),
      };
    },
  };
}
