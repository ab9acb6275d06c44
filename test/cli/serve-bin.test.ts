import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rawClient } from '../helpers/raw-client.js';
import { runBin, startBin } from '../helpers/run-bin.js';

describe('pusher-sidecar serve (built bin)', () => {
  it('starts on the development default, logs the real port, warns about the credentials and stops on SIGTERM', async () => {
    const { child, port, lines } = await startBin([]);
    expect(lines.join('\n')).toContain('for local development only');
    expect(lines.join('\n')).not.toMatch(/(?<!--)app-secret/);
    const client = rawClient(port, 'app-key');
    await client.socketId();
    child.kill('SIGTERM');
    expect((await client.closed).code).toBe(4200);
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"msg":"stopped"');
  });

  it("serves the app configured in a Laravel project's .env", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sidecar-laravel-'));
    writeFileSync(join(cwd, '.env'), 'APP_NAME=Laravel\nBROADCAST_CONNECTION=reverb\nREVERB_APP_ID=123456\nREVERB_APP_KEY=laravelkey\nREVERB_APP_SECRET=laravelsecret\n');
    const { child, port, lines } = await startBin([], { cwd });
    expect(lines.join('\n')).not.toContain('laravelsecret');
    expect(lines.join('\n')).not.toContain('for local development only');
    await rawClient(port, 'laravelkey').socketId();
    expect((await rawClient(port, 'app-key').closed).code).toBe(4001);
    child.kill('SIGTERM');
    await child;
  });

  it('exits 2 listing every configuration problem with its option name', async () => {
    const result = await runBin(['serve', '--port', 'seventy', '--max-conections', '5', '--log-format', 'xml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('invalid configuration (3 problems)');
    expect(result.stderr).toContain('--port: must be a whole number');
    expect(result.stderr).toContain('--max-conections: unknown option (did you mean --max-connections?)');
    expect(result.stderr).toContain('--log-format: must be one of auto, json, pretty');
  });

  it('documents every option in serve --help with its env twin', async () => {
    const result = await runBin(['serve', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--max-payload-size <BYTES>');
    expect(result.stdout).toContain('PUSHER_SIDECAR_SHUTDOWN_TIMEOUT');
  });
});

describe('pusher-sidecar codes', () => {
  it('lists the catalogue and explains one code', async () => {
    const all = await runBin(['codes']);
    expect(all.exitCode).toBe(0);
    expect(all.stdout).toContain('4100');
    expect(all.stdout).toContain('4009');
    const one = await runBin(['codes', '4100']);
    expect(one.stdout).toContain('Over capacity');
    expect(one.stdout).toContain('--max-connections');
    expect(one.stdout).toContain('reconnects after ≥1 s');
    const unknown = await runBin(['codes', '1234']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('not a code or reason name this server emits');
  });

  it('looks a code up by the reason name the logs print', async () => {
    const byReason = await runBin(['codes', 'origin_not_allowed']);
    expect(byReason.exitCode).toBe(0);
    expect(byReason.stdout).toContain('4009 — Origin not allowed');
    expect(byReason.stdout).toContain('reason "origin_not_allowed"');
    const http = await runBin(['codes', 'http_bad_signature']);
    expect(http.exitCode).toBe(0);
    expect(http.stdout).toContain('401 — Invalid signature or timestamp');
    const unknown = await runBin(['codes', 'origin_not_allowd']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('origin_not_allowd is not a code or reason name');
  });
});
