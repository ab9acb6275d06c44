/**
 * One channel in the local cluster state: its sockets (socket id → presence user id, '' when not
 * presence) and, for presence, its users. Most channels have one subscriber (a Laravel user's
 * private channel), so that one socket is held in two fields and a Map is made only for a second:
 * a one-socket channel then costs no Map, about 180 bytes of heap per idle subscribed socket.
 */
export class LocalChannel {
  #onlyId: string | undefined = undefined;
  #onlyUser = '';
  #many: Map<string, string> | undefined = undefined;

  constructor(
    /** Presence: user id → sockets of that user and the latest user_info. */
    public users: Map<string, { sockets: number; info: unknown }> | undefined,
  ) {}

  get size(): number {
    if (this.#many) return this.#many.size;
    return this.#onlyId === undefined ? 0 : 1;
  }

  /** The socket's presence user id ('' when not presence), undefined when it is not subscribed. */
  get(socketId: string): string | undefined {
    if (this.#many) return this.#many.get(socketId);
    return socketId === this.#onlyId ? this.#onlyUser : undefined;
  }

  has(socketId: string): boolean {
    return this.get(socketId) !== undefined;
  }

  set(socketId: string, userId: string): void {
    if (this.#many) {
      this.#many.set(socketId, userId);
    } else if (this.#onlyId === undefined || this.#onlyId === socketId) {
      this.#onlyId = socketId;
      this.#onlyUser = userId;
    } else {
      this.#many = new Map();
      this.#many.set(this.#onlyId, this.#onlyUser);
      this.#many.set(socketId, userId);
      this.#onlyId = undefined;
      this.#onlyUser = '';
    }
  }

  delete(socketId: string): boolean {
    if (this.#many) return this.#many.delete(socketId);
    if (socketId !== this.#onlyId) return false;
    this.#onlyId = undefined;
    this.#onlyUser = '';
    return true;
  }
}
