import { describe, expect, it } from 'vitest';
import { startSidecar } from '../helpers/start-sidecar.js';

describe('/up and /ready', () => {
  it('/ready fails with the name of a required backend that is down, /up stays 200', async () => {
    let redisUp = true;
    const { sidecar, url } = await startSidecar({}, { readinessChecks: [{ name: 'redis', isReady: () => redisUp }] });
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    redisUp = false;
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ error: 'Not ready: redis is down', code: 503 });
    expect(sidecar.isReady()).toBe(false);
    expect((await fetch(`${url}/up`)).status).toBe(200);
  });
});
