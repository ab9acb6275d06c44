import { isIP } from 'node:net';

function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/**
 * The startup warning for a console anyone on the network could open: bound beyond loopback
 * without --dashboard-token. Undefined when there is nothing to warn about.
 */
export function dashboardExposureWarning(config: { dashboard: boolean; dashboardToken: string; metricsHost: string; metricsPort: number }): string | undefined {
  if (!config.dashboard || config.metricsPort === 0 || config.dashboardToken !== '' || isLoopback(config.metricsHost)) return undefined;
  return `the debug console listens on ${config.metricsHost} without a token: anyone who reaches it sees live traffic and can publish events. `
    + 'Set --dashboard-token, bind --metrics-host 127.0.0.1, or turn it off with --dashboard false';
}
