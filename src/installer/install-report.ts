import type { LaravelProject } from './detect-project.js';
import { CADDY_SNIPPET, SERVICE_FILES, sidecarUpstream } from './plan-caddy.js';
import { packageVersion } from './package-version.js';
import { SIDECAR_PACKAGE, formatCommand, usesInstalledSidecar, type DependencyCommand } from './plan-dependencies.js';
import type { Plan } from './plan.js';
import { formatPublicUrl, urlHost } from './addresses.js';
import type { InstallSettings } from './resolve-settings.js';
import { SIDECAR_ENV } from './sidecar-env.js';
import { unifiedDiff } from './text-diff.js';

/** The secret never reaches the terminal, not even in a --dry-run diff. */
export function maskSecret(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join('*'.repeat(8)) : text;
}

function describeFrontEnd(project: LaravelProject): string {
  const front = project.front.frontEnd;
  switch (front.kind) {
    case 'none':
      return `none (${front.reason})`;
    case 'global':
      return `JavaScript${front.typescript ? ' (TypeScript)' : ''}, ${front.entry}`;
    default:
      return `${front.kind === 'react' ? 'React' : 'Vue'}${front.typescript ? ' + TypeScript' : ''}, ${front.entry}`;
  }
}

/**
 * A `.env` diff shows keys, not values: a neighbouring DB_PASSWORD or APP_KEY is context too. Only
 * the non-secret settings the installer itself writes keep their values, so the diff still says
 * where browsers and PHP will connect.
 */
export function maskEnvDiff(diff: string, reveal: ReadonlySet<string>): string {
  return diff.replace(/^([ +-])(\s*(?:export\s+)?)([A-Za-z0-9_.]+)(\s*=\s*)(.+)$/gm, (line, mark: string, lead: string, key: string, eq: string, value: string) => {
    if (line.startsWith('---') || line.startsWith('+++')) return line;
    return reveal.has(key) && !/SECRET|PASSWORD|TOKEN/i.test(key) ? line : `${mark}${lead}${key}${eq}********`;
  });
}

/** The keys whose values a dry run may show: the connection and the addresses, never credentials. */
export function revealedEnvKeys(project: LaravelProject, settings: InstallSettings): Set<string> {
  const p = settings.envPrefix;
  return new Set([
    project.broadcastKey, `${p}_HOST`, `${p}_PORT`, `${p}_SCHEME`, `${p}_APP_CLUSTER`,
    `VITE_${p}_APP_KEY`, `VITE_${p}_APP_CLUSTER`, `VITE_${p}_HOST`, `VITE_${p}_PORT`, `VITE_${p}_SCHEME`,
    ...Object.values(SIDECAR_ENV),
  ]);
}

const isEnvFile = (path: string) => /(^|\/)\.env(\.[\w.-]+)?$/.test(path);

export function formatHeader(project: LaravelProject): string {
  return `Laravel ${project.major} (${project.versionSource}) · front end: ${describeFrontEnd(project)}\n`;
}

export function formatSettings(settings: InstallSettings): string {
  const c = settings.credentials;
  const source = { flag: 'from flags', reused: 'reused from .env', generated: 'generated' } as const;
  const lines = [
    `connection   ${settings.connection} (${settings.envPrefix}_* keys)`,
    `sidecar      ${urlHost(settings.sidecar.host)}:${settings.sidecar.port} (Laravel publishes to http://${sidecarUpstream(settings)})`,
    `browsers     ${formatPublicUrl(settings.publicAddress)} (through Caddy)`,
    `credentials  app id ${c.id}, key ${c.key} (${source[c.sources.key]})`,
  ];
  if (settings.clientEvents) lines.push('client events  on');
  if (settings.serverAuth) lines.push(`server auth  on: the sidecar asks ${settings.authUrl}`);
  return lines.map((line) => `  ${line}\n`).join('');
}

export function formatChanges(plan: Plan, settings: InstallSettings, dryRun: boolean, reveal: ReadonlySet<string> = new Set()): string {
  const width = Math.max(0, ...plan.changes.map((c) => c.path.length));
  let out = '';
  for (const change of plan.changes) {
    const verb = change.before === null ? (dryRun ? 'would create' : 'created') : dryRun ? 'would update' : 'updated';
    out += `  ${verb.padEnd(dryRun ? 12 : 7)}  ${change.path.padEnd(width)}  ${change.why}\n`;
  }
  if (dryRun) {
    for (const change of plan.changes) {
      const diff = unifiedDiff(change.path, change.before, change.after);
      out += '\n' + maskSecret(isEnvFile(change.path) ? maskEnvDiff(diff, reveal) : diff, settings.credentials.secret);
    }
  }
  return out;
}

export function formatManual(plan: Plan, settings: InstallSettings): string {
  let out = '';
  for (const step of plan.manual) {
    out += `\n! ${step.path} ${step.why}\n\n${maskSecret(step.snippet, settings.credentials.secret).replace(/\n?$/, '\n')}`;
  }
  for (const note of plan.notes) out += `\n! ${note}\n`;
  return out;
}

export function formatCommandsToRun(commands: readonly DependencyCommand[]): string {
  return commands.map((cmd) => `    ${formatCommand(cmd)}\n`).join('');
}

/** Nothing but `serve`: the sidecar reads ./.env itself, where the installer put every setting. */
export const SERVE_COMMAND = 'npx pusher-sidecar serve';

function serveStep(project: LaravelProject, settings: InstallSettings): string {
  if (!usesInstalledSidecar(project)) return `npx pusher-sidecar@${packageVersion()} serve`;
  const installed = project.front.packages.has(SIDECAR_PACKAGE);
  const pin = installed ? "the copy in the app's devDependencies" : settings.installDeps
    ? "the copy just added to the app's devDependencies"
    : "the copy pinned in devDependencies, once you have run the install command above";
  return `${SERVE_COMMAND}   # runs ${pin}`;
}

export function formatNextSteps(project: LaravelProject, settings: InstallSettings): string {
  const steps: string[] = [];
  const caddyfile = project.files.read('Caddyfile');
  if (caddyfile === null || !caddyfile.includes(CADDY_SNIPPET)) {
    steps.push(`Add \`import ${CADDY_SNIPPET}\` inside your Caddyfile site block, before php_server, and reload Caddy.`);
  }
  const env = [`${settings.envPrefix}_APP_*`, 'PUSHER_SIDECAR_*'].join(', ');
  let serve = `Start the sidecar from ${project.root} (it reads ${env} from .env):\n       ${serveStep(project, settings)}`;
  if (settings.service !== 'none') {
    serve += `\n     or install ${SERVICE_FILES[settings.service]} (instructions at its top) to run it next to FrankenPHP.`;
  } else {
    serve += '\n     Run it next to FrankenPHP (`frankenphp run` / `php artisan octane:frankenphp`) under your process manager.';
  }
  steps.push(serve);
  if (project.front.frontEnd.kind !== 'none') {
    steps.push(`Rebuild the front end so it picks up VITE_${settings.envPrefix}_*: ${project.front.packageManager ?? 'npm'} run build`);
  }
  if (settings.serverAuth) {
    steps.push(`Server auth: the sidecar posts to ${settings.authUrl} with the browser's cookies; it must reach Laravel from the sidecar's host.`);
  }
  steps.push('Check the whole chain: npx pusher-sidecar doctor');
  return '\nNext steps:\n' + steps.map((step, i) => `  ${i + 1}. ${step}\n`).join('');
}
