// Preloaded into BOTH measured servers (`node --expose-gc --import bench/lib/server-probe.mjs ...`)
// so the orchestrator can force a full GC before reading idle RSS, and stop the server with a
// normal exit (which is what makes --cpu-prof write its profile). It adds no code to any hot path:
// one IPC 'message' listener that is idle during measurement.
if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (msg?.cmd === 'gc') {
      const collect = globalThis.gc;
      if (typeof collect === 'function') {
        collect();
        collect();
      }
      // Let finalizers and freed sockets settle, then collect once more.
      setTimeout(() => {
        if (typeof collect === 'function') collect();
        process.send({ type: 'gc-done', exposed: typeof collect === 'function', memory: process.memoryUsage() });
      }, 100);
    } else if (msg?.cmd === 'exit') {
      process.exit(0);
    }
  });
  // The IPC channel must not keep the server alive on its own (it would block a graceful shutdown).
  process.channel?.unref();
}
