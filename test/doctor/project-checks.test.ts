import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCaddy } from '../../src/doctor/project-checks.js';

describe('checkCaddy', () => {
  const project = () => mkdtempSync(join(tmpdir(), 'doctor-caddy-'));

  it('only warns when no Caddyfile is found (the WebSocket check tests the route itself)', () => {
    const dir = project();
    const result = checkCaddy(dir, undefined, [join(dir, 'Caddyfile')]);
    expect(result).toMatchObject({ status: 'warn', detail: 'no Caddyfile at Caddyfile' });
  });

  it('follows --caddyfile elsewhere and asks for the snippet by absolute path there', () => {
    const dir = project();
    const etc = mkdtempSync(join(tmpdir(), 'etc-caddy-'));
    writeFileSync(join(etc, 'Caddyfile'), 'shop.example.com {\n\tphp_server\n}\n');
    const missing = checkCaddy(dir, join(etc, 'Caddyfile'));
    expect(missing.status).toBe('fail');
    expect(missing.fix).toContain(`import ${join(dir, 'pusher-sidecar.caddy')}`);

    writeFileSync(join(dir, 'pusher-sidecar.caddy'), '');
    writeFileSync(join(etc, 'Caddyfile'), `shop.example.com {\n\timport "${join(dir, 'pusher-sidecar.caddy')}"\n\tphp_server\n}\n`);
    expect(checkCaddy(dir, join(etc, 'Caddyfile')).status).toBe('pass');
  });

  it('fails when the imported snippet file is missing', () => {
    const dir = project();
    mkdirSync(join(dir, 'caddy'));
    writeFileSync(join(dir, 'Caddyfile'), 'localhost {\n\timport caddy/pusher-sidecar.caddy\n}\n');
    expect(checkCaddy(dir, undefined, [join(dir, 'Caddyfile')])).toMatchObject({ status: 'fail', detail: 'Caddyfile imports caddy/pusher-sidecar.caddy, but that file does not exist' });
  });
});
