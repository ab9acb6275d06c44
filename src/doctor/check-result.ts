export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One line of `pusher-sidecar doctor`: what was checked, how it went, and what to do about it. */
export interface CheckResult {
  /** Stable name, usable with --skip. */
  id: CheckId;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export const CHECK_IDS = [
  'env', 'driver', 'credentials', 'server', 'vite', 'bundle', 'app-url', 'config', 'config-cache', 'caddy',
  'up', 'ready', 'api', 'websocket', 'round-trip', 'laravel-publish', 'auth-route',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export function pass(id: CheckId, detail: string): CheckResult {
  return { id, status: 'pass', detail };
}

export function fail(id: CheckId, detail: string, fix: string): CheckResult {
  return { id, status: 'fail', detail, fix };
}

export function warn(id: CheckId, detail: string, fix: string): CheckResult {
  return { id, status: 'warn', detail, fix };
}

export function skip(id: CheckId, detail: string): CheckResult {
  return { id, status: 'skip', detail };
}
