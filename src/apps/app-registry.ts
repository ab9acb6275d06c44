import type { App } from './app.js';

/** Looks apps up by key (WebSocket path) and by id (HTTP API path). */
export class AppRegistry {
  readonly #byKey = new Map<string, App>();
  readonly #byId = new Map<string, App>();

  constructor(apps: readonly App[]) {
    for (const app of apps) {
      this.#byKey.set(app.key, app);
      this.#byId.set(app.id, app);
    }
  }

  findByKey(key: string): App | undefined {
    return this.#byKey.get(key);
  }

  findById(id: string): App | undefined {
    return this.#byId.get(id);
  }

  all(): App[] {
    return [...this.#byId.values()];
  }
}
