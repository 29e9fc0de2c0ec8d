/**
 * Time as a dependency, so balancers, timeouts and logs can be tested deterministically.
 * @module
 */

export interface Clock {
  /** Milliseconds since the epoch (wall time, for logs). */
  nowMs(): number
  /** Monotonic milliseconds with sub-millisecond precision (for durations). */
  monoMs(): number
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monoMs: () => performance.now(),
}

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  #now: number

  constructor(startMs = 0) {
    this.#now = startMs
  }

  nowMs(): number {
    return this.#now
  }

  monoMs(): number {
    return this.#now
  }

  advance(ms: number): void {
    this.#now += ms
  }
}
