import cluster from 'node:cluster';
import type { Logger } from '../logging/logger.js';
import type { CliIO } from './cli-io.js';

/** This process's worker number under --workers, undefined in the primary or without --workers. */
export function workerId(): number | undefined {
  return cluster.isWorker ? cluster.worker?.id : undefined;
}

/**
 * The --workers primary: forks the workers (each runs `serve` again and becomes a node of the
 * Redis cluster; node:cluster shares the listening port between them), replaces one that dies,
 * and on SIGTERM/SIGINT passes the signal on and resolves once every worker has exited.
 */
export async function runWorkers(count: number, logger: Logger, io: CliIO): Promise<void> {
  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ worker: worker.id, code, signal }, 'worker exited; starting a replacement');
    fork();
  });
  for (let i = 0; i < count; i++) fork();
  logger.info({ workers: count }, `started ${count} workers`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
      let left = workers.length;
      if (left === 0) resolve();
      for (const worker of workers) {
        worker.once('exit', () => {
          if (--left === 0) resolve();
        });
        worker.process.kill(signal);
      }
    };
    io.onSignal('SIGTERM', () => stop('SIGTERM'));
    io.onSignal('SIGINT', () => stop('SIGINT'));
  });
  logger.info('all workers stopped');
}

/** A worker that has shut down lets go of its channel to the primary, so the process can exit. */
export function leaveWorkerPool(): void {
  if (cluster.isWorker) cluster.worker?.disconnect();
}
