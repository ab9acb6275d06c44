import type { LaravelProject } from './detect-project.js';
import { addChange, toLf, type Plan } from './plan.js';
import { renderStub } from './render-stub.js';

const CHANNELS_LINE = "channels: __DIR__.'/../routes/channels.php',";
const PROVIDER = 'App\\Providers\\BroadcastServiceProvider::class';

/**
 * Laravel only answers /broadcasting/auth (and loads routes/channels.php) once channel routes are
 * registered; the installer does what `install:broadcasting` does for each layout.
 */
export function planChannelRoutes(plan: Plan, project: LaravelProject): void {
  const files = project.files;
  if (!files.exists('routes/channels.php')) {
    addChange(plan, {
      path: 'routes/channels.php',
      before: null,
      after: renderStub('php/channels.php.stub', {}),
      why: 'who may join each private and presence channel',
    });
  }
  if (project.layout === 'application-builder') planApplicationBuilder(plan, project);
  else planServiceProvider(plan, project);
}

/** Laravel 11+: `->withRouting(channels: …)` in bootstrap/app.php, with Laravel's own rules in order. */
function planApplicationBuilder(plan: Plan, project: LaravelProject): void {
  const path = 'bootstrap/app.php';
  const raw = project.files.read(path) ?? '';
  const text = toLf(raw);
  const why = 'registers routes/channels.php and the /broadcasting/auth route';
  const commented = /^([ \t]*)\/\/[ \t]*(channels:[^\n]*)$/m;
  let after: string | null = null;
  if (commented.test(text)) {
    after = text.replace(commented, '$1$2');
  } else if (/\bchannels\s*:/.test(text)) {
    return;
  } else if (text.includes("commands: __DIR__.'/../routes/console.php',")) {
    after = text.replace(/^([ \t]*)(commands: __DIR__\.'\/\.\.\/routes\/console\.php',)$/m, `$1$2\n$1${CHANNELS_LINE}`);
  } else if (/->withRouting\(\s*\n/.test(text)) {
    after = text.replace(/->withRouting\(\s*\n/, (m) => `${m}        ${CHANNELS_LINE}\n`);
  }
  if (after === null || after === text) {
    plan.manual.push({ path, why: 'could not find ->withRouting(; add channel routes to it:', snippet: `        ${CHANNELS_LINE}` });
    return;
  }
  addChange(plan, { path, before: raw, after, why });
}

/** Laravel 10 layout: BroadcastServiceProvider, commented out in config/app.php by default. */
function planServiceProvider(plan: Plan, project: LaravelProject): void {
  const files = project.files;
  const providerPath = 'app/Providers/BroadcastServiceProvider.php';
  if (!files.exists(providerPath)) {
    addChange(plan, {
      path: providerPath,
      before: null,
      after: renderStub('php/BroadcastServiceProvider.php.stub', {}),
      why: 'registers the /broadcasting/auth route and loads routes/channels.php',
    });
  }
  const configPath = 'config/app.php';
  const rawConfig = files.read(configPath) ?? '';
  const config = toLf(rawConfig);
  const commented = /^([ \t]*)\/\/[ \t]*(App\\Providers\\BroadcastServiceProvider::class,?)/m;
  if (commented.test(config)) {
    addChange(plan, {
      path: configPath,
      before: rawConfig,
      after: config.replace(commented, '$1$2'),
      why: 'enables BroadcastServiceProvider (Laravel ships it commented out)',
    });
    return;
  }
  const active = new RegExp(`^[ \\t]*${PROVIDER.replace(/\\/g, '\\\\')}`, 'm');
  const providersFile = files.read('bootstrap/providers.php') ?? '';
  if (active.test(config) || providersFile.includes(PROVIDER)) return;
  plan.manual.push({
    path: configPath,
    why: 'BroadcastServiceProvider is not registered; add it to the providers list:',
    snippet: `        ${PROVIDER},`,
  });
}
