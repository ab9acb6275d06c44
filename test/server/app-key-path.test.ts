import { describe, expect, it } from 'vitest';
import { appKeyFromPath } from '../../src/server/app-key-path.js';

const PATTERN = /\/app\/([^/]+)\/?$/;

describe('appKeyFromPath', () => {
  it('finds the key where pusher-js puts it, with a wsPath prefix and a trailing slash', () => {
    expect(appKeyFromPath('/app/app-key')).toBe('app-key');
    expect(appKeyFromPath('/app/app-key/')).toBe('app-key');
    expect(appKeyFromPath('/ws/app/app-key')).toBe('app-key');
    expect(appKeyFromPath('/app/a/app/b')).toBe('b');
    for (const path of ['/', '/app', '/app/', '/app//', '/app/key//', '/myapp/key', 'app/key', '/apps/key', '/app/key/x']) {
      expect(appKeyFromPath(path), path).toBeUndefined();
    }
  });

  it('answers what the path pattern answers, for every path made of its characters', () => {
    // Every string of up to 7 characters over the ones the pattern cares about.
    const alphabet = ['/', 'a', 'p', 'k', 'x'];
    let paths = [''];
    for (let length = 1; length <= 7; length++) {
      paths = paths.flatMap((p) => alphabet.map((c) => p + c));
      for (const path of paths) expect(appKeyFromPath(path), path).toBe(PATTERN.exec(path)?.[1]);
    }
    for (const prefix of ['', '/app', '/x/app', '/app/app']) {
      for (const path of paths) expect(appKeyFromPath(prefix + path), prefix + path).toBe(PATTERN.exec(prefix + path)?.[1]);
    }
  });
});
