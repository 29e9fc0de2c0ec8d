/**
 * The shaping of one rate class (or one key of it): requests are let through evenly spaced, with
 * no bursts, and the rest wait in a bounded queue (first come, first served) until their turn or
 * their deadline.
 * @module
 */

/** How a rate class spaces requests; from `max_rate_per_minute` and `max_rate_per_second`. */
export interface RateLimits {
  /** Milliseconds between two admissions; 0 = no limit. */
  readonly intervalMs: number
  /** The configured rates (0 = off), for statistics. */
  readonly perMinute: number
  readonly perSecond: number
}

/**
 * Derives the spacing from the stricter of the two rates. Admissions are spaced evenly, so no
 * second (and no minute) ever sees more than its share.
 */
export function rateLimits(perMinute: number, perSecond: number): RateLimits {
  const fromMinute = perMinute > 0 ? 60000 / perMinute : 0
  const fromSecond = perSecond > 0 ? 1000 / perSecond : 0
  return { intervalMs: Math.max(fromMinute, fromSecond), perMinute, perSecond }
}

/** The bounds of a queue, shared by every rate class. */
export interface QueueBounds {
  /** Most requests waiting in one class (all its keys together). */
  readonly maxQueued: number
  /** Longest a request waits before `rate.use` gives up on it. */
  readonly maxWaitMs: number
}

/** Why a queued request was not let through. */
export type Abandoned = 'timeout' | 'full' | 'class-removed'

interface Waiter {
  readonly deadlineMs: number
  readonly done: (outcome: Abandoned | null) => void
}

/** The counters of one class, over all its keys. */
export interface RateCounters {
  admitted: number
  queued: number
  /** Queued requests given up on: timed out, queue full, or the class removed. */
  dropped: number
  /** `rate.use.noQueue` calls over the limit. */
  refused: number
  backlog: number
}

export class RateBucket {
  /** When the next request may go through (the theoretical arrival time of GCRA, no tolerance). */
  #tat = -Infinity
  readonly #queue: Waiter[] = []
  #head = 0
  #timer: NodeJS.Timeout | null = null
  readonly #counters: RateCounters
  readonly #now: () => number

  constructor(counters: RateCounters, now: () => number) {
    this.#counters = counters
    this.#now = now
  }

  get backlog(): number {
    return this.#queue.length - this.#head
  }

  /** True when nothing is queued and a request could go through now: it can be forgotten. */
  isIdle(nowMs: number): boolean {
    return this.backlog === 0 && this.#tat <= nowMs
  }

  /** Takes a place now if the limits allow it (and nobody is queued ahead). */
  tryTake(limits: RateLimits, nowMs: number): boolean {
    if (limits.intervalMs === 0) return true
    if (this.backlog > 0) return false
    return this.#take(limits, nowMs)
  }

  #take(limits: RateLimits, nowMs: number): boolean {
    if (nowMs < this.#tat) return false
    this.#tat = Math.max(this.#tat, nowMs) + limits.intervalMs
    return true
  }

  /** Queues a request; `done(null)` when it is let through, `done(reason)` when given up on. */
  enqueue(limits: () => RateLimits, bounds: QueueBounds, done: (outcome: Abandoned | null) => void): void {
    const c = this.#counters
    if (c.backlog >= bounds.maxQueued) {
      c.dropped++
      done('full')
      return
    }
    c.queued++
    c.backlog++
    this.#queue.push({ deadlineMs: this.#now() + bounds.maxWaitMs, done })
    this.#pump(limits)
  }

  /** Lets through whoever may go now, gives up on whoever waited too long, and sets the timer. */
  #pump(limits: () => RateLimits): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer)
      this.#timer = null
    }
    const l = limits()
    const nowMs = this.#now()
    const c = this.#counters
    while (this.#head < this.#queue.length) {
      const w = this.#queue[this.#head] as Waiter
      let outcome: Abandoned | null
      if (l.intervalMs === 0 || this.#take(l, nowMs)) {
        outcome = null
        c.admitted++
      } else if (nowMs >= w.deadlineMs) {
        outcome = 'timeout'
        c.dropped++
      } else break
      this.#head++
      c.backlog--
      w.done(outcome)
    }
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0
      this.#head = 0
      return
    }
    // A queue that never empties is compacted now and then, so its array stays bounded.
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue.splice(0, this.#head)
      this.#head = 0
    }
    const head = this.#queue[this.#head] as Waiter
    const wakeMs = Math.max(0, Math.min(this.#tat, head.deadlineMs) - nowMs)
    this.#timer = setTimeout(() => {
      this.#pump(limits)
    }, Math.max(1, Math.ceil(wakeMs)))
  }

  /** Gives up on everything queued (the class was removed). */
  close(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    const waiting = this.#queue.slice(this.#head)
    this.#queue.length = 0
    this.#head = 0
    for (const w of waiting) {
      this.#counters.backlog--
      this.#counters.dropped++
      w.done('class-removed')
    }
  }
}
