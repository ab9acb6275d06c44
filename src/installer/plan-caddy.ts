import type { LaravelProject } from './detect-project.js';
import { packageVersion } from './package-version.js';
import { usesInstalledSidecar } from './plan-dependencies.js';
import { addChange, type Plan } from './plan.js';
import { renderStub } from './render-stub.js';
import type { InstallSettings } from './resolve-settings.js';

export const CADDY_SNIPPET = 'pusher-sidecar.caddy';
export const SERVICE_FILES = { systemd: 'pusher-sidecar.service', supervisor: 'pusher-sidecar.supervisor.conf' } as const;

export function sidecarUpstream(settings: InstallSettings): string {
  return `${settings.phpTarget.host}:${settings.phpTarget.port}`;
}

/**
 * What the service runs: the app's installed copy (node_modules/.bin, pinned in devDependencies)
 * when the app has a package.json, else `npx` pinned to this version (an API-only app).
 */
export function serviceCommand(project: LaravelProject): string {
  return usesInstalledSidecar(project)
    ? `${project.root}/node_modules/.bin/pusher-sidecar serve`
    : `/usr/bin/env npx --yes pusher-sidecar@${packageVersion()} serve`;
}

/** The Caddy snippet that routes /app/* WebSockets to the sidecar, and the optional service file. */
export function planCaddy(plan: Plan, project: LaravelProject, settings: InstallSettings): void {
  const files = project.files;
  addChange(plan, {
    path: CADDY_SNIPPET,
    before: files.read(CADDY_SNIPPET),
    after: renderStub('caddy/pusher-sidecar.caddy.stub', { upstream: sidecarUpstream(settings), snippetPath: CADDY_SNIPPET }),
    why: 'Caddy routes /app/<key> WebSockets to the sidecar; import it in your site block',
  });

  const caddyfile = files.read('Caddyfile');
  if (caddyfile !== null && !caddyfile.includes(CADDY_SNIPPET)) {
    plan.manual.push({
      path: 'Caddyfile',
      why: 'add this line inside your site block, before php_server:',
      snippet: `\timport ${CADDY_SNIPPET}`,
    });
  }

  if (settings.service !== 'none') {
    const path = SERVICE_FILES[settings.service];
    addChange(plan, {
      path,
      before: files.read(path),
      after: renderStub(`service/${path}.stub`, { root: project.root, command: serviceCommand(project), envPrefix: settings.envPrefix }),
      why: settings.service === 'systemd' ? 'a systemd unit that keeps the sidecar running' : 'a Supervisor program that keeps the sidecar running',
    });
  }
}
