/** A read of the shared state failed because Redis is away; the HTTP API answers 503 for it. */
export class ClusterUnavailableError extends Error {
  readonly code = 'cluster_unavailable';

  constructor(cause: unknown) {
    super('The cluster state (Redis) is unreachable; try again shortly', { cause });
  }
}
