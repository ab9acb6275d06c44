import { randomInt } from 'node:crypto';

/** `\d+\.\d+` from a CSPRNG, so one client cannot guess another's socket id. */
export function createSocketId(): string {
  return `${randomInt(1, 2 ** 47)}.${randomInt(1, 2 ** 47)}`;
}
