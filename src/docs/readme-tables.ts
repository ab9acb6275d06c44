import { CONFIG_SCHEMA, OPTION_KEYS, envName, flagName, type OptionSpec } from '../config/schema.js';
import { ALL_CODES, type CodeEntry } from '../protocol/codes.js';

const REACTIONS: Record<CodeEntry['reaction'], string> = {
  'gives-up': 'stops (no reconnect)',
  'backs-off': 'reconnects after ≥1 s',
  'reconnects-now': 'reconnects at once',
  'keeps-connection': 'stays connected',
  'caller-error': 'caller fixes the request',
};

const KINDS: Record<CodeEntry['kind'], string> = {
  close: 'close code',
  error: 'pusher:error',
  subscription: 'subscription_error status',
  http: 'HTTP status',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function describeReaction(entry: CodeEntry): string {
  return REACTIONS[entry.reaction];
}

export function describeKind(entry: CodeEntry): string {
  return KINDS[entry.kind];
}

/** The README troubleshooting table, generated from the code catalogue. */
export function renderCodesTable(): string {
  const rows = ALL_CODES.map((e) => `| ${e.code} | ${KINDS[e.kind]} | \`${e.id}\` | ${cell(e.message)} | ${REACTIONS[e.reaction]} | ${cell(e.fix)} |`);
  return ['| code | kind | reason | meaning | pusher-js | what to do |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function formatDefault(spec: OptionSpec): string {
  const value = spec.default;
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : `\`${value.join(',')}\``;
  if (value === '') return '(none)';
  return `\`${String(value)}\``;
}

/** The README options table, generated from the config schema. */
export function renderOptionsTable(): string {
  const rows = OPTION_KEYS.map((key) => {
    const spec: OptionSpec = CONFIG_SCHEMA[key];
    const flag = spec.type === 'boolean' ? flagName(key) : `${flagName(key)} ${spec.unit ?? 'VALUE'}`;
    return `| \`${flag}\` | \`${envName(key)}\` | ${formatDefault(spec)} | ${cell(spec.description)} |`;
  });
  return ['| flag | environment | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceSection(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from === -1 || to === -1) throw new Error(`README has no ${start} … ${end} markers`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}
