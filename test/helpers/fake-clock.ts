export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

/** A clock the test moves by hand; starts at the real time so signed API requests stay valid. */
export function createFakeClock(start = Date.now()): FakeClock {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}
