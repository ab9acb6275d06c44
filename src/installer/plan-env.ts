import type { LaravelProject } from './detect-project.js';
import { writeEnvVariables, type EnvWrite } from './env-file.js';
import { addChange, type Plan } from './plan.js';
import type { InstallSettings } from './resolve-settings.js';
import { SIDECAR_ENV } from './sidecar-env.js';

/**
 * The env writes, in the order Laravel's installers make them (which decides where new keys land).
 * - `<BROADCAST key>`: the connection.
 * - `<P>_APP_ID/KEY/SECRET`: credentials, shared by PHP, the browser (key only) and the sidecar.
 * - `<P>_HOST/PORT/SCHEME`: where PHP posts events: the sidecar's internal address, plain http.
 * - `VITE_<P>_*`: what the browser bundle connects to: the public host/port/scheme through Caddy.
 * - `PUSHER_SIDECAR_*`: the sidecar's own settings; it reads ./.env when started in the project.
 */
export function envWrites(project: LaravelProject, settings: InstallSettings, forExample: boolean): EnvWrite[] {
  const p = settings.envPrefix;
  const env = project.env;
  const creds = settings.credentials;
  const writes: EnvWrite[] = [
    { key: project.broadcastKey, value: settings.connection, overwrite: settings.switchConnection },
  ];
  for (const [suffix, value, field] of [['APP_ID', creds.id, 'id'], ['APP_KEY', creds.key, 'key'], ['APP_SECRET', creds.secret, 'secret']] as const) {
    // .env.example is committed: it gets the keys, never the values.
    writes.push(forExample
      ? { key: `${p}_${suffix}`, value: '', overwrite: false }
      : { key: `${p}_${suffix}`, value, overwrite: creds.sources[field] === 'flag' });
  }
  writes.push(
    { key: `${p}_HOST`, value: settings.phpTarget.host, overwrite: true },
    { key: `${p}_PORT`, value: String(settings.phpTarget.port), overwrite: true },
    { key: `${p}_SCHEME`, value: 'http', overwrite: true },
  );
  if (p === 'PUSHER') {
    // pusher-js refuses to start without a cluster; the sidecar ignores it.
    writes.push({ key: 'PUSHER_APP_CLUSTER', value: env.PUSHER_APP_CLUSTER || 'mt1', overwrite: false });
  }
  // The browser's keys go below the server's (as Laravel's installers write them), never next to
  // an unrelated VITE_APP_NAME above: `${REVERB_APP_KEY}` must refer backwards for PHP's dotenv.
  const placeAfter = [`VITE_${p}_`, `${p}_`];
  writes.push({ key: `VITE_${p}_APP_KEY`, value: `\${${p}_APP_KEY}`, overwrite: true, placeAfter });
  if (p === 'PUSHER') writes.push({ key: 'VITE_PUSHER_APP_CLUSTER', value: '${PUSHER_APP_CLUSTER}', overwrite: true, placeAfter });
  writes.push(
    { key: `VITE_${p}_HOST`, value: settings.publicAddress.host, overwrite: true, placeAfter },
    { key: `VITE_${p}_PORT`, value: String(settings.publicAddress.port), overwrite: true, placeAfter },
    { key: `VITE_${p}_SCHEME`, value: settings.publicAddress.scheme, overwrite: true, placeAfter },
    { key: SIDECAR_ENV.host, value: settings.sidecar.host, overwrite: true },
    { key: SIDECAR_ENV.port, value: String(settings.sidecar.port), overwrite: true },
  );
  const setOrClear = (key: string, on: boolean, value: string, off: string) => {
    if (on) writes.push({ key, value, overwrite: true });
    else if (env[key]) writes.push({ key, value: off, overwrite: true });
  };
  setOrClear(SIDECAR_ENV.enableClientMessages, settings.clientEvents, 'true', 'false');
  setOrClear(SIDECAR_ENV.authUrl, settings.serverAuth, settings.authUrl, '');
  setOrClear(SIDECAR_ENV.userAuthUrl, settings.serverAuth, settings.userAuthUrl, '');
  if (settings.allowedOrigins) writes.push({ key: SIDECAR_ENV.allowedOrigins, value: settings.allowedOrigins, overwrite: true });
  return writes;
}

export function planEnv(plan: Plan, project: LaravelProject, settings: InstallSettings): void {
  const p = settings.envPrefix;
  const base = project.envExists ? project.envText : project.envExampleText ?? '';
  const sources = new Set(Object.values(settings.credentials.sources));
  const credentialNote = sources.has('generated') ? 'new credentials' : 'existing credentials kept';
  addChange(plan, {
    path: '.env',
    before: project.envExists ? project.envText : null,
    after: writeEnvVariables(base, envWrites(project, settings, false)),
    why: `${project.broadcastKey}=${settings.connection}; ${p}_HOST/PORT/SCHEME = the sidecar PHP publishes to; VITE_${p}_* = the public address browsers use; ${credentialNote}`,
  });
  if (!project.envExists) {
    plan.notes.push(project.envExampleText === null
      ? 'There was no .env: it was created with the broadcasting keys only. Add the rest of your settings.'
      : 'There was no .env: it was created from .env.example. Run `php artisan key:generate`.');
  }
  if (project.envExampleText !== null) {
    addChange(plan, {
      path: '.env.example',
      before: project.envExampleText,
      after: writeEnvVariables(project.envExampleText, envWrites(project, settings, true)),
      why: 'the same keys with empty credentials, for the next developer',
    });
  }
}
