import { applyPlan } from './apply-plan.js';
import { buildPlan } from './build-plan.js';
import type { Credentials } from './credentials.js';
import { detectProject } from './detect-project.js';
import { checkInstallOptions, type InstallOptions } from './install-options.js';
import { isPromptCancellation, type InstallPrompts } from './install-prompts.js';
import {
  formatChanges, formatCommandsToRun, formatHeader, formatManual, formatNextSteps, formatSettings, revealedEnvKeys,
} from './install-report.js';
import { formatCommand, planDependencies, type DependencyCommand } from './plan-dependencies.js';
import { resolveSettings } from './resolve-settings.js';

export type RunCommand = (command: string, args: readonly string[], options: { cwd: string }) => Promise<{ exitCode: number }>;

/** What the installer needs from the outside world; the CLI passes the real ones, tests their own. */
export interface InstallDeps {
  cwd: string;
  prompts: InstallPrompts;
  /** Runs composer / npm with the terminal attached. */
  run: RunCommand;
  isOnPath: (command: string) => boolean;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** Tests may pin credentials; by default they come from crypto randomness. */
  generateCredentials?: () => Credentials;
}

export const EXIT = { ok: 0, failed: 1, cancelled: 130 } as const;

function isCi(env: Record<string, string | undefined>): boolean {
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}

async function installDependencies(commands: readonly DependencyCommand[], deps: InstallDeps, root: string): Promise<boolean> {
  const missing = commands.filter((cmd) => !deps.isOnPath(cmd.command));
  const runnable = commands.filter((cmd) => deps.isOnPath(cmd.command));
  let ok = true;
  for (const cmd of runnable) {
    deps.stdout.write(`\n$ ${formatCommand(cmd)}   # ${cmd.why}\n`);
    const result = await deps.run(cmd.command, cmd.args, { cwd: root });
    if (result.exitCode !== 0) {
      deps.stderr.write(`${cmd.command} exited with ${result.exitCode}; run it yourself:\n    ${formatCommand(cmd)}\n`);
      ok = false;
    }
  }
  if (missing.length > 0) {
    deps.stdout.write(`\n${missing.map((c) => c.command).join(' and ')} not found on PATH; run these yourself:\n${formatCommandsToRun(missing)}`);
  }
  return ok;
}

/**
 * `pusher-sidecar install`: detect the Laravel project, ask or take every answer, compute all file
 * changes in memory, show them, then write them atomically and install the packages. Returns the
 * process exit code; never calls process.exit.
 */
export async function runInstall(rawOptions: InstallOptions, deps: InstallDeps): Promise<number> {
  const checked = checkInstallOptions(rawOptions);
  if (!checked.ok) {
    deps.stderr.write(`pusher-sidecar install: invalid options\n${checked.errors.map((e) => `  ${e}\n`).join('')}`);
    return EXIT.failed;
  }
  const options = checked.options;
  const detected = detectProject(deps.cwd);
  if (!detected.ok) {
    deps.stderr.write(`${detected.error}\nRun \`npx pusher-sidecar install\` in the root of a Laravel 10+ application.\n`);
    return EXIT.failed;
  }
  const project = detected.project;
  const interactive = deps.isTTY && !options.yes && !isCi(deps.env);
  const warnings = [...project.warnings];
  deps.stdout.write(formatHeader(project));

  let settings;
  try {
    settings = await resolveSettings({ project, options, prompts: deps.prompts, interactive, warnings, generateCredentials: deps.generateCredentials });
  } catch (err) {
    if (isPromptCancellation(err)) {
      deps.stdout.write('\nCancelled: nothing was written.\n');
      return EXIT.cancelled;
    }
    throw err;
  }

  const plan = buildPlan(project, settings);
  const dependencies = planDependencies(project);
  deps.stdout.write(formatSettings(settings));
  for (const warning of warnings) deps.stdout.write(`! ${warning}\n`);

  if (plan.changes.length === 0 && dependencies.length === 0) {
    deps.stdout.write('\nAlready configured: nothing to change.\n');
    deps.stdout.write(formatManual(plan, settings));
    deps.stdout.write(formatNextSteps(project, settings));
    return EXIT.ok;
  }

  if (options.dryRun) {
    deps.stdout.write('\nDry run, nothing written. These files would change:\n');
    deps.stdout.write(formatChanges(plan, settings, true, revealedEnvKeys(project, settings)));
    deps.stdout.write(formatManual(plan, settings));
    if (dependencies.length > 0) deps.stdout.write(`\nThese commands would run:\n${formatCommandsToRun(dependencies)}`);
    return EXIT.ok;
  }

  if (plan.changes.length > 0) {
    const applied = await applyPlan(project.root, plan.changes);
    if (!applied.ok) {
      deps.stderr.write(`Writing failed, ${applied.error}\n`);
      if (applied.written.length > 0) deps.stderr.write(`Already written: ${applied.written.join(', ')}\n`);
      return EXIT.failed;
    }
    deps.stdout.write('\n' + formatChanges(plan, settings, false));
  } else {
    deps.stdout.write('\nFiles already configured.\n');
  }
  deps.stdout.write(formatManual(plan, settings));

  let depsOk = true;
  if (dependencies.length > 0) {
    if (settings.installDeps) depsOk = await installDependencies(dependencies, deps, project.root);
    else deps.stdout.write(`\nInstall the packages:\n${formatCommandsToRun(dependencies)}`);
  }
  deps.stdout.write(formatNextSteps(project, settings));
  return depsOk ? EXIT.ok : EXIT.failed;
}
