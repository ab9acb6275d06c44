import type { App, WebhookEventName, WebhookTarget } from '../apps/app.js';
import { WEBHOOK_EVENT_NAMES } from './schema.js';

const APP_KEYS = ['id', 'key', 'secret', 'enabled', 'enableClientMessages', 'maxConnections', 'webhooks', 'subscriptionCount'];

function parseWebhooks(raw: unknown, where: string, errors: string[]): WebhookTarget[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    errors.push(`${where}.webhooks must be an array of { "url", "events"? }`);
    return [];
  }
  const out: WebhookTarget[] = [];
  raw.forEach((hook: unknown, i) => {
    const at = `${where}.webhooks[${i}]`;
    if (typeof hook !== 'object' || hook === null) {
      errors.push(`${at} must be an object with a "url"`);
      return;
    }
    const fields = hook as Record<string, unknown>;
    const url = Object.hasOwn(fields, 'url') ? fields.url : undefined;
    const events = Object.hasOwn(fields, 'events') ? fields.events : undefined;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      errors.push(`${at}.url must be an http(s) URL`);
      return;
    }
    let names: WebhookEventName[] = [...WEBHOOK_EVENT_NAMES];
    if (events !== undefined) {
      if (!Array.isArray(events) || events.some((e) => !WEBHOOK_EVENT_NAMES.includes(e as WebhookEventName))) {
        errors.push(`${at}.events must list only: ${WEBHOOK_EVENT_NAMES.join(', ')}`);
        return;
      }
      names = events as WebhookEventName[];
    }
    out.push({ url, events: names });
  });
  return out;
}

/** Validates the apps array of an apps file or config file. Collects every problem. */
export function parseApps(raw: unknown, source: string, errors: string[]): App[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    errors.push(`${source}: must be a non-empty JSON array of apps ({ "id", "key", "secret", ... })`);
    return [];
  }
  const apps: App[] = [];
  raw.forEach((entry: unknown, i) => {
    const where = `${source}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(`${where} must be an object`);
      return;
    }
    const record = entry as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      if (!APP_KEYS.includes(name)) errors.push(`${where}: unknown key "${name}" (known: ${APP_KEYS.join(', ')})`);
    }
    const own = (name: string) => (Object.hasOwn(record, name) ? record[name] : undefined);
    const id = typeof own('id') === 'number' ? String(own('id')) : own('id');
    const key = own('key');
    const secret = own('secret');
    // Like the single app: a partial set is named as such, never completed from defaults.
    const absent = (['id', 'key', 'secret'] as const).filter((name) => own(name) === undefined || own(name) === null || own(name) === '');
    if (absent.length > 0 && absent.length < 3) {
      errors.push(`${where}: incomplete credentials, missing ${absent.map((name) => `"${name}"`).join(' and ')} (every app needs a non-empty id, key and secret)`);
    } else if (absent.length === 3) {
      errors.push(`${where}: no credentials; every app needs a non-empty "id", "key" and "secret"`);
    }
    if (!absent.includes('id') && typeof id !== 'string') errors.push(`${where}.id must be a string or number`);
    if (!absent.includes('key') && (typeof key !== 'string' || /[/?#\s]/.test(key))) errors.push(`${where}.key must be a string without / ? # or spaces`);
    if (!absent.includes('secret') && typeof secret !== 'string') errors.push(`${where}.secret must be a string`);
    const enabled = own('enabled') ?? true;
    const enableClientMessages = own('enableClientMessages') ?? false;
    const subscriptionCount = own('subscriptionCount') ?? false;
    if (typeof subscriptionCount !== 'boolean') errors.push(`${where}.subscriptionCount must be true or false`);
    const maxConnections = own('maxConnections') ?? 0;
    if (typeof enabled !== 'boolean') errors.push(`${where}.enabled must be true or false`);
    if (typeof enableClientMessages !== 'boolean') errors.push(`${where}.enableClientMessages must be true or false`);
    if (typeof maxConnections !== 'number' || !Number.isInteger(maxConnections) || maxConnections < 0) {
      errors.push(`${where}.maxConnections must be a whole number ≥ 0 (0 = unlimited)`);
    }
    const webhooks = parseWebhooks(own('webhooks'), where, errors);
    if (absent.length === 0 && typeof id === 'string' && typeof key === 'string' && typeof secret === 'string') {
      apps.push({
        id, key, secret,
        enabled: enabled === true,
        enableClientMessages: enableClientMessages === true,
        ...(subscriptionCount === true ? { subscriptionCount: true } : {}),
        maxConnections: typeof maxConnections === 'number' ? maxConnections : 0,
        webhooks,
      });
    }
  });
  const seenKeys = new Set<string>();
  const seenIds = new Set<string>();
  for (const app of apps) {
    if (seenKeys.has(app.key)) errors.push(`${source}: duplicate app key "${app.key}"`);
    if (seenIds.has(app.id)) errors.push(`${source}: duplicate app id "${app.id}"`);
    seenKeys.add(app.key);
    seenIds.add(app.id);
  }
  return apps;
}
