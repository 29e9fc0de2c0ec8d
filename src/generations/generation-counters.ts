/**
 * What each generation has served: requests, errors (5xx answers) and response time, with the
 * requests of the last ten seconds kept per second for a rate. One per worker; the primary
 * sums the workers' (the numbers are plain sums).
 * @module
 */

/** Seconds the request rate is averaged over. */
export const RATE_WINDOW_S = 10

/** A generation's numbers as they cross between workers and reach the API. */
export interface GenerationNumbers {
  requests: number
  errors: number
  /** Sum of the transactions' durations, ms. */
  timeMs: number
  /** Requests in the last RATE_WINDOW_S seconds. */
  recent: number
}

export class GenerationCounters {
  requests = 0
  errors = 0
  timeMs = 0
  readonly #counts = new Float64Array(RATE_WINDOW_S)
  readonly #seconds = new Float64Array(RATE_WINDOW_S).fill(-1)

  record(status: number, durationMs: number, nowMs: number): void {
    this.requests++
    if (status >= 500) this.errors++
    this.timeMs += durationMs
    const second = Math.floor(nowMs / 1000)
    const i = second % RATE_WINDOW_S
    if (this.#seconds[i] !== second) {
      this.#seconds[i] = second
      this.#counts[i] = 0
    }
    this.#counts[i] = (this.#counts[i] ?? 0) + 1
  }

  numbers(nowMs: number): GenerationNumbers {
    const second = Math.floor(nowMs / 1000)
    let recent = 0
    for (let i = 0; i < RATE_WINDOW_S; i++) if (second - (this.#seconds[i] ?? -1) < RATE_WINDOW_S) recent += this.#counts[i] ?? 0
    return { requests: this.requests, errors: this.errors, timeMs: this.timeMs, recent }
  }
}

/** Adds `more` into `into`. */
export function addGenerationNumbers(into: GenerationNumbers, more: GenerationNumbers): void {
  into.requests += more.requests
  into.errors += more.errors
  into.timeMs += more.timeMs
  into.recent += more.recent
}
