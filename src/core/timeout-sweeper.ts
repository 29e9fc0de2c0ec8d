/**
 * One timer for all connection deadlines. Sockets set a deadline (a number) instead of arming
 * a timer per read, so the hot path pays a field write, not a timer re-insertion.
 * @module
 */
import type { Clock } from './clock.ts'

export interface HasDeadline {
  /** Monotonic ms after which onDeadline runs; 0 = none. */
  deadlineMs: number
  onDeadline(): void
}

export class TimeoutSweeper {
  readonly #members = new Set<HasDeadline>()
  readonly #clock: Clock
  readonly #timer: NodeJS.Timeout

  constructor(clock: Clock, intervalMs = 100) {
    this.#clock = clock
    this.#timer = setInterval(() => {
      this.sweep()
    }, intervalMs)
    this.#timer.unref()
  }

  add(member: HasDeadline): void {
    this.#members.add(member)
  }

  delete(member: HasDeadline): void {
    this.#members.delete(member)
  }

  get size(): number {
    return this.#members.size
  }

  /** Runs every expired deadline once (public for tests with a manual clock). */
  sweep(): void {
    const now = this.#clock.monoMs()
    for (const m of this.#members) {
      if (m.deadlineMs !== 0 && m.deadlineMs <= now) {
        m.deadlineMs = 0
        m.onDeadline()
      }
    }
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}
