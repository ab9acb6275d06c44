import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from '../../src/installer/credentials.js';
import type { InstallOptions } from '../../src/installer/install-options.js';
import type { InstallPrompts } from '../../src/installer/install-prompts.js';
import { packageVersion } from '../../src/installer/package-version.js';
import { runInstall, type InstallDeps } from '../../src/installer/run-install.js';

/**
 * Runs the installer the way the CLI does, with the outside world scripted: the user's answers,
 * the terminal, and composer/npm (recorded, never run: they would hit the network).
 */

/** The devDependency the installer adds for the sidecar itself. */
export const SIDECAR_SPEC = `pusher-sidecar@^${packageVersion()}`;

export const TEST_CREDENTIALS: Credentials = { id: '424242', key: 'k3yk3yk3yk3yk3yk3yk3', secret: 's3cr3ts3cr3ts3cr3ts3cr3ts3cr3ts3cr3ts3c' };

export type Answer = { match: RegExp; answer: string | boolean };

/** Answers questions in order; each must match the question asked, so a changed flow fails loudly. */
export function scriptedPrompts(answers: Answer[]): InstallPrompts & { asked: string[]; remaining: () => number } {
  const queue = [...answers];
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    const answer = queue.shift();
    if (!answer) throw new Error(`unexpected question: ${message}`);
    if (!answer.match.test(message)) throw new Error(`expected a question matching ${answer.match}, got: ${message}`);
    return answer.answer;
  };
  return {
    asked,
    remaining: () => queue.length,
    input: async (q) => {
      const answer = next(q.message);
      if (typeof answer !== 'string') throw new Error(`input "${q.message}" needs a string answer`);
      const value = answer === '' ? (q.default ?? '') : answer;
      const valid = q.validate ? q.validate(value) : true;
      if (valid !== true) throw new Error(`answer "${value}" rejected: ${valid}`);
      return value;
    },
    confirm: async (q) => {
      const answer = next(q.message);
      if (typeof answer !== 'boolean') throw new Error(`confirm "${q.message}" needs a boolean answer`);
      return answer;
    },
    select: async <T extends string>(q: { message: string; choices: ReadonlyArray<{ value: T }> }) => {
      const answer = next(q.message);
      const choice = q.choices.find((c) => c.value === answer);
      if (!choice) throw new Error(`"${String(answer)}" is not a choice of "${q.message}"`);
      return choice.value;
    },
  };
}

export const noPrompts: InstallPrompts = scriptedPrompts([]);

/**
 * Stands in for composer and npm (the real ones would hit the network): records the command and,
 * on success, adds the packages to composer.json / package.json as the real tools do, so a second
 * installer run sees them installed.
 */
function recordInstall(cwd: string, command: string, args: readonly string[]): void {
  const packages = args.filter((arg) => !arg.startsWith('-') && !['require', 'install', 'add'].includes(arg));
  const file = command === 'composer' ? 'composer.json' : 'package.json';
  const field = command === 'composer' ? 'require' : 'devDependencies';
  const json = JSON.parse(readFileSync(join(cwd, file), 'utf8')) as Record<string, Record<string, string>>;
  json[field] = { ...json[field] };
  for (const spec of packages) {
    // name@range (scoped names start with @): saved under the name with that range, as npm does.
    const at = spec.indexOf('@', 1);
    json[field]![at === -1 ? spec : spec.slice(0, at)] = at === -1 ? '*' : spec.slice(at + 1);
  }
  writeFileSync(join(cwd, file), JSON.stringify(json, null, 4) + '\n');
}

export interface HarnessResult {
  code: number;
  stdout: string;
  stderr: string;
  commands: string[];
}

export interface HarnessOptions {
  prompts?: InstallPrompts;
  isTTY?: boolean;
  env?: Record<string, string | undefined>;
  /** Commands considered installed; default composer and npm. */
  onPath?: string[];
  exitCodes?: Record<string, number>;
  credentials?: Credentials | null;
}

export async function install(cwd: string, options: InstallOptions, harness: HarnessOptions = {}): Promise<HarnessResult> {
  let stdout = '';
  let stderr = '';
  const commands: string[] = [];
  const onPath = new Set(harness.onPath ?? ['composer', 'npm']);
  const deps: InstallDeps = {
    cwd,
    prompts: harness.prompts ?? noPrompts,
    run: async (command, args, { cwd: dir }) => {
      commands.push([command, ...args].join(' '));
      const exitCode = harness.exitCodes?.[command] ?? 0;
      if (exitCode === 0) recordInstall(dir, command, args);
      return { exitCode };
    },
    isOnPath: (name) => onPath.has(name),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: harness.isTTY ?? false,
    env: harness.env ?? {},
  };
  if (harness.credentials !== null) deps.generateCredentials = () => harness.credentials ?? TEST_CREDENTIALS;
  const code = await runInstall(options, deps);
  return { code, stdout, stderr, commands };
}
