import type { LaravelProject } from './detect-project.js';
import { addChange, pendingText, toLf, type Plan } from './plan.js';
import { renderStub, type StubValues } from './render-stub.js';
import type { InstallSettings } from './resolve-settings.js';

type EchoFlavour = { kind: 'global' | 'react' | 'vue'; ts: boolean };

const FRAMEWORK_PACKAGE = { react: '@laravel/echo-react', vue: '@laravel/echo-vue' } as const;

/**
 * The server-side auth functions, newest first. Older ones are only rendered to recognise a file
 * an earlier installer wrote, so that a rerun upgrades it instead of calling it hand-edited.
 */
export const SERVER_AUTH_EDITIONS = [
  { stub: 'js/echo-server-auth.js.stub', types: 'Channel, ChannelAuthorizationCallback, UserAuthenticationCallback' },
  // 0.1: no retry from the browser after a login without a reload.
  { stub: 'js/echo-server-auth-0.1.js.stub', types: 'ChannelAuthorizationCallback, UserAuthenticationCallback' },
] as const;

type ServerAuthEdition = (typeof SERVER_AUTH_EDITIONS)[number];

function stubValues(flavour: EchoFlavour, prefix: 'REVERB' | 'PUSHER', serverAuth: boolean, axios: boolean, edition: ServerAuthEdition): StubValues {
  const values: StubValues = {
    ts: flavour.ts,
    tsServerAuth: flavour.ts && serverAuth,
    prefix,
    broadcaster: prefix === 'REVERB' ? 'reverb' : 'pusher',
    pusher: prefix === 'PUSHER',
    serverAuth,
    axios,
    framework: flavour.kind === 'vue' ? 'Vue' : 'React',
    frameworkPackage: flavour.kind === 'global' ? '' : FRAMEWORK_PACKAGE[flavour.kind],
    serverAuthTypes: edition.types,
  };
  // The same auth functions close both set-ups (window.Echo and configureEcho).
  values.serverAuthFunctions = serverAuth ? renderStub(edition.stub, values).trimEnd() : '';
  return values;
}

export function renderEcho(
  flavour: EchoFlavour, prefix: 'REVERB' | 'PUSHER', serverAuth: boolean, axios: boolean, edition: ServerAuthEdition = SERVER_AUTH_EDITIONS[0],
): string {
  const stub = flavour.kind === 'global' ? 'js/echo-global.js.stub' : 'js/echo-configure.js.stub';
  return renderStub(stub, stubValues(flavour, prefix, serverAuth, axios, edition));
}

const normalize = (text: string) => text.replace(/\s+/g, '').replace(/"/g, "'");

/** Laravel's own echo.js stubs (reverb and pusher), as `install:broadcasting` writes them. */
const LARAVEL_ECHO_STUBS = [
  `import Echo from 'laravel-echo'; import Pusher from 'pusher-js'; window.Pusher = Pusher;
   window.Echo = new Echo({ broadcaster: 'reverb', key: import.meta.env.VITE_REVERB_APP_KEY,
   wsHost: import.meta.env.VITE_REVERB_HOST, wsPort: import.meta.env.VITE_REVERB_PORT ?? 80,
   wssPort: import.meta.env.VITE_REVERB_PORT ?? 443,
   forceTLS: (import.meta.env.VITE_REVERB_SCHEME ?? 'https') === 'https', enabledTransports: ['ws', 'wss'], });`,
  `import Echo from 'laravel-echo'; import Pusher from 'pusher-js'; window.Pusher = Pusher;
   window.Echo = new Echo({ broadcaster: "pusher", key: import.meta.env.VITE_PUSHER_APP_KEY,
   cluster: import.meta.env.VITE_PUSHER_APP_CLUSTER, forceTLS: true, wsHost: import.meta.env.VITE_PUSHER_HOST,
   wsPort: import.meta.env.VITE_PUSHER_PORT, wssPort: import.meta.env.VITE_PUSHER_PORT, enabledTransports: ["ws", "wss"], });`,
].map(normalize);

/** A file we may replace: Laravel's stock stub, or anything an installer run of ours could have written. */
function isReplaceable(existing: string, flavour: EchoFlavour): boolean {
  const text = normalize(existing);
  if (LARAVEL_ECHO_STUBS.includes(text)) return true;
  for (const prefix of ['REVERB', 'PUSHER'] as const) {
    for (const axios of [false, true]) {
      if (normalize(renderEcho(flavour, prefix, false, axios)) === text) return true;
      for (const edition of SERVER_AUTH_EDITIONS) {
        if (normalize(renderEcho(flavour, prefix, true, axios, edition)) === text) return true;
      }
    }
  }
  return false;
}

const HAS_ECHO_IMPORT = /^\s*import\s+['"]\.\/echo(\.[jt]sx?)?['"];?\s*$/m;
const LAST_IMPORT = /^import .+;$/gm;

/** Laravel 12's `install:broadcasting` adds exactly this to a React/Vue entry. */
const STOCK_CONFIGURE_IMPORT = /^import \{ configureEcho \} from ['"]@laravel\/echo-(react|vue)['"];?[ \t]*\r?\n/m;
const STOCK_CONFIGURE_CALL = /^configureEcho\(\{\s*broadcaster:\s*['"](reverb|pusher)['"],?\s*\}\);?[ \t]*(\r?\n|$)/m;

function insertAfterLastImport(text: string, line: string): string {
  let end = -1;
  for (const match of text.matchAll(LAST_IMPORT)) end = match.index + match[0].length;
  if (end === -1) return `${line}\n${text}`;
  return `${text.slice(0, end)}\n${line}${text.slice(end)}`;
}

/**
 * The Echo bootstrap for the detected front end, plus the import that loads it. Files that are
 * Laravel's stock stub or our own earlier output are replaced; anything the developer wrote is
 * left alone (unless --force) and the full file is printed instead.
 */
export function planEcho(plan: Plan, project: LaravelProject, settings: InstallSettings): void {
  const front = project.front.frontEnd;
  if (front.kind === 'none') {
    plan.notes.push(`No JavaScript entry found (${front.reason}), so no Echo bootstrap was written. See the README for the Echo options.`);
    return;
  }
  const read = (path: string) => project.files.read(path);
  const axios = project.front.packages.has('axios');
  const flavour: EchoFlavour = { kind: front.kind, ts: front.typescript };
  const content = renderEcho(flavour, settings.envPrefix, settings.serverAuth, axios);

  let entry = toLf(pendingText(plan, read, front.entry) ?? '');
  if (front.kind !== 'global' && entry.includes('configureEcho(')) {
    const stripped = entry.replace(STOCK_CONFIGURE_IMPORT, '').replace(STOCK_CONFIGURE_CALL, '');
    if (stripped.includes('configureEcho(') && !settings.force) {
      plan.manual.push({
        path: front.entry,
        why: `already calls configureEcho with its own options, so it was left alone. Use these options (X-Socket-ID and sidecar settings included) as ${front.echoFile}:`,
        snippet: content,
      });
      return;
    }
    entry = stripped.replace(/\n{3,}/g, '\n\n');
  }

  const existing = read(front.echoFile);
  if (existing === null || existing === content || settings.force || isReplaceable(existing, flavour)) {
    addChange(plan, {
      path: front.echoFile,
      before: existing,
      after: content,
      why: front.kind === 'global'
        ? 'window.Echo for the sidecar, with the X-Socket-ID header set whatever the import order'
        : `configureEcho for ${FRAMEWORK_PACKAGE[front.kind]}, with the X-Socket-ID header`,
    });
  } else {
    plan.manual.push({ path: front.echoFile, why: 'was changed by hand, so it was left alone. The installer would write:', snippet: content });
  }

  if (!axios) {
    plan.notes.push(`No axios in package.json, so nothing sets X-Socket-ID for you: toOthers() needs it on requests to Laravel. Spread socketIdHeaders() from ./echo into your request headers.`);
  }

  if (!HAS_ECHO_IMPORT.test(entry)) {
    entry = front.kind === 'global'
      ? `${(entry + '\n' + renderStub('js/bootstrap-import.js.stub', {})).trim()}\n`
      : insertAfterLastImport(entry, "import './echo';");
  }
  addChange(plan, { path: front.entry, before: read(front.entry), after: entry, why: 'loads ./echo' });
}

export function frameworkPackageFor(project: LaravelProject): string | null {
  const kind = project.front.frontEnd.kind;
  return kind === 'react' || kind === 'vue' ? FRAMEWORK_PACKAGE[kind] : null;
}
