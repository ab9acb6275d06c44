/**
 * channel_vacated and member_removed wait a few seconds and are cancelled when the channel or the
 * member comes back, so a page reload or a network blip does not flap the app
 * (../shared/reference/pusher-protocol-and-laravel.md §A6: "up to 3 s").
 */
export class DelayedRemovals {
  readonly #pending = new Map<string, { timer: NodeJS.Timeout; fire: () => void }>();

  constructor(readonly delayMs: number) {}

  schedule(key: string, fire: () => void): void {
    this.cancel(key);
    const timer = setTimeout(() => {
      this.#pending.delete(key);
      fire();
    }, this.delayMs);
    timer.unref();
    this.#pending.set(key, { timer, fire });
  }

  /** True when a removal was waiting: the matching "added" event is then not sent either. */
  cancel(key: string): boolean {
    const entry = this.#pending.get(key);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.#pending.delete(key);
    return true;
  }

  /** Sends everything still waiting, oldest first (on shutdown nobody is coming back here). */
  fireAll(): void {
    const entries = [...this.#pending.values()];
    for (const entry of entries) clearTimeout(entry.timer);
    this.#pending.clear();
    for (const entry of entries) entry.fire();
  }

  /** Forgets everything waiting without sending it. */
  clear(): void {
    for (const entry of this.#pending.values()) clearTimeout(entry.timer);
    this.#pending.clear();
  }

  get size(): number {
    return this.#pending.size;
  }
}
