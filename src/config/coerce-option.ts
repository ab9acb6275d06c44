import { CONFIG_SCHEMA, type OptionKey, type OptionSpec } from './schema.js';

export type Coerced = { ok: true; value: unknown } | { ok: false; error: string };

function parseList(raw: unknown): string[] | undefined {
  if (Array.isArray(raw)) return raw.every((v) => typeof v === 'string') ? raw.map((v) => v.trim()).filter(Boolean) : undefined;
  if (typeof raw === 'string') return raw.split(',').map((v) => v.trim()).filter(Boolean);
  return undefined;
}

function checkRange(spec: OptionSpec, value: number): string | undefined {
  if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
  if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
  return undefined;
}

/**
 * Turns a raw value from a flag, env var (strings) or config file (JSON types) into the option's
 * type. Never throws: a bad value comes back as an error sentence without the value itself, since
 * the value may be a secret.
 */
export function coerceOption(key: OptionKey, raw: unknown): Coerced {
  // Keys come from files and the environment: an inherited name (toString) is no option.
  if (!Object.hasOwn(CONFIG_SCHEMA, key)) return { ok: false, error: 'unknown option' };
  const spec: OptionSpec = CONFIG_SCHEMA[key];
  switch (spec.type) {
    case 'string':
      if (typeof raw === 'string') return { ok: true, value: raw };
      if (typeof raw === 'number' && (key === 'appId')) return { ok: true, value: String(raw) };
      return { ok: false, error: 'must be a string' };
    case 'integer':
    case 'number': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(value)) return { ok: false, error: `must be a ${spec.type === 'integer' ? 'whole number' : 'number'}` };
      if (spec.type === 'integer' && !Number.isInteger(value)) return { ok: false, error: 'must be a whole number' };
      const rangeError = checkRange(spec, value);
      return rangeError ? { ok: false, error: rangeError } : { ok: true, value };
    }
    case 'boolean':
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (typeof raw === 'string' && /^(true|1|yes|on)$/i.test(raw)) return { ok: true, value: true };
      if (typeof raw === 'string' && /^(false|0|no|off)$/i.test(raw)) return { ok: true, value: false };
      return { ok: false, error: 'must be true or false' };
    case 'list': {
      const list = parseList(raw);
      if (!list) return { ok: false, error: 'must be a comma-separated list' };
      const bad = spec.values ? list.filter((v) => !spec.values!.includes(v)) : [];
      if (bad.length > 0) return { ok: false, error: `has unknown value(s) ${bad.join(', ')}; allowed: ${spec.values!.join(', ')}` };
      return { ok: true, value: list };
    }
    case 'enum':
      if (typeof raw === 'string' && spec.values!.includes(raw)) return { ok: true, value: raw };
      return { ok: false, error: `must be one of ${spec.values!.join(', ')}` };
  }
}
