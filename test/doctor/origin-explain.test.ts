import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainOriginRefusal, findOriginSetting } from '../../src/doctor/origin-explain.js';

const VITE = { host: 'VITE_REVERB_HOST', port: 'VITE_REVERB_PORT' };

describe('where the allowed origins come from', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-origins-'));
  writeFileSync(join(dir, 'sidecar.json'), JSON.stringify({ allowedOrigins: ['https://admin.example.com'] }));

  it('follows serve\'s precedence: environment over .env over the config file; a flag is all that is left', () => {
    expect(findOriginSetting(dir, { PUSHER_SIDECAR_ALLOWED_ORIGINS: 'a.test' }, { PUSHER_SIDECAR_ALLOWED_ORIGINS: 'b.test' })).toMatchObject({ entries: ['b.test'], source: 'the environment variable PUSHER_SIDECAR_ALLOWED_ORIGINS' });
    expect(findOriginSetting(dir, { PUSHER_SIDECAR_ALLOWED_ORIGINS: 'a.test, c.test' }, {})).toMatchObject({ entries: ['a.test', 'c.test'], source: 'PUSHER_SIDECAR_ALLOWED_ORIGINS in .env' });
    const file = findOriginSetting(dir, { PUSHER_SIDECAR_CONFIG: 'sidecar.json' }, {});
    expect(file).toMatchObject({ entries: ['https://admin.example.com'], source: '"allowedOrigins" in sidecar.json' });
    expect(file.change('https://shop.test')).toContain('add "https://shop.test" to "allowedOrigins" in sidecar.json');
    const unknown = findOriginSetting(dir, {}, {});
    expect(unknown.entries).toBeUndefined();
    expect(unknown.source).toContain('--allowed-origins flag');
  });

  it('explains a page on another host with the rule and both ways out', () => {
    const setting = findOriginSetting(dir, { PUSHER_SIDECAR_ALLOWED_ORIGINS: 'https://admin.example.com' }, {});
    const why = explainOriginRefusal('https://shop.example.com', 'wss://ws.example.com/app/k', setting, VITE);
    expect(why.detail).toBe('https://shop.example.com is not on the socket\'s host ws.example.com (VITE_REVERB_HOST) and not in the allowed origins (PUSHER_SIDECAR_ALLOWED_ORIGINS in .env: https://admin.example.com): the sidecar allows pages on the host and port the socket was sent to, plus its allowed origins');
    expect(why.fix).toBe('serve the socket from the app\'s own host (VITE_REVERB_HOST=shop.example.com, then npm run build), or add https://shop.example.com to PUSHER_SIDECAR_ALLOWED_ORIGINS in .env (comma-separated), then restart the sidecar (unless its command line sets --allowed-origins, which wins)');
  });

  it('names the ! entry that excludes the page, and sends https pages through the public port', () => {
    const excluded = explainOriginRefusal('https://shop.test', 'wss://shop.test/app/k', findOriginSetting(dir, { PUSHER_SIDECAR_ALLOWED_ORIGINS: '!https://shop.test' }, {}), VITE);
    expect(excluded.detail).toBe('a ! entry of PUSHER_SIDECAR_ALLOWED_ORIGINS in .env excludes https://shop.test');
    const direct = explainOriginRefusal('https://shop.test', 'ws://shop.test:6001/app/k', findOriginSetting(dir, {}, {}), VITE);
    expect(direct.fix).toContain('VITE_REVERB_PORT=443 and VITE_REVERB_SCHEME=https in .env');
  });
});
