import { afterEach, describe, expect, it } from 'vitest';
import { createSidecar, type Sidecar } from '../../src/server.js';
import { silentLogger } from '../helpers/ops-sidecar.js';
import { TEST_APP } from '../helpers/start-sidecar.js';
import { defaultConfig } from '../../src/config/schema.js';

describe('/up and /ready', () => {
  let sidecar: Sidecar | undefined;
  afterEach(async () => {
    await sidecar?.close();
  });

  it('/ready fails with the name of a required backend that is down, /up stays 200', async () => {
    let redisUp = true;
    sidecar = createSidecar({
      loaded: { config: { ...defaultConfig(), host: '127.0.0.1', port: 0 }, apps: [TEST_APP] },
      logger: silentLogger(),
      readinessChecks: [{ name: 'redis', isReady: () => redisUp }],
    });
    const { url } = await sidecar.listen();
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    redisUp = false;
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ error: 'Not ready: redis is down', code: 503 });
    expect(sidecar.isReady()).toBe(false);
    expect((await fetch(`${url}/up`)).status).toBe(200);
  });
});
