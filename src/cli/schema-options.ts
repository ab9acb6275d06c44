import { Option, type Command } from 'commander';
import { CONFIG_SCHEMA, OPTION_KEYS, envName, flagName, type OptionKey, type OptionSpec } from '../config/schema.js';

/** Adds one commander option per schema entry, so `serve --help` is the schema. */
export function addSchemaOptions(command: Command): Command {
  for (const key of OPTION_KEYS) {
    const spec: OptionSpec = CONFIG_SCHEMA[key];
    const flag = spec.type === 'boolean' ? `${flagName(key)} [BOOL]` : `${flagName(key)} <${spec.unit ?? 'VALUE'}>`;
    const shown = Array.isArray(spec.default) ? spec.default.join(',') || '(empty)' : String(spec.default) || '(none)';
    const option = new Option(flag, `${spec.description} [default: ${shown}] [env: ${envName(key)}]`);
    command.addOption(option);
  }
  return command;
}

/** Only the options given on the command line (so env and files are not overridden by defaults). */
export function givenFlags(command: Command): Partial<Record<OptionKey, unknown>> {
  const out: Partial<Record<OptionKey, unknown>> = {};
  const values = command.opts();
  for (const key of OPTION_KEYS) {
    if (command.getOptionValueSource(key) === 'cli') out[key] = values[key];
  }
  return out;
}
