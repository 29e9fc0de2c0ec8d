/**
 * Time as a dependency, so balancers, timeouts and logs can be tested deterministically.
 * @module
 */

export interface Clock {
  /** Milliseconds since the epoch (wall time, for logs). */
  nowMs(): number
  /** Monotonic milliseconds with sub-millisecond precision (for durations). */
  monoMs(): number
  /**
   * Freezes monoMs at its current reading until the matching release. The data plane holds the
   * clock for the synchronous work one socket event causes, so the half-dozen timestamps a
   * request takes (start, deadlines, balancing, send, first byte) cost one clock read.
   * Holds nest; every hold must be released (use try/finally).
   */
  hold(): void
  release(): void
  /**
   * Takes a new reading to hold, if the clock is held. For work that can run long inside a hold
   * (the rules watchdog calls it), so it and what follows it see time pass.
   */
  refresh(): void
}

/** The real clock. */
class SystemClock implements Clock {
  #held = -1
  #depth = 0

  nowMs(): number {
    return Date.now()
  }

  monoMs(): number {
    return this.#held >= 0 ? this.#held : performance.now()
  }

  hold(): void {
    if (this.#depth++ === 0) this.#held = performance.now()
  }

  release(): void {
    if (--this.#depth === 0) this.#held = -1
  }

  refresh(): void {
    if (this.#depth > 0) this.#held = performance.now()
  }
}

export const systemClock: Clock = new SystemClock()

/** A clock that moves only when told to (holding it changes nothing). */
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

  hold(): void {
    // Time stands still anyway.
  }

  release(): void {
    // Nothing was frozen.
  }

  refresh(): void {
    // It reads the time it was told.
  }

  advance(ms: number): void {
    this.#now += ms
  }
}
