/**
 * Rate classes (`rate/<name>`) as rules use them: `rate.use` queues a request until its class
 * (or the class's key) lets it through, `rate.use.noQueue` only asks, `rate.getBacklog` counts
 * the queue. State (buckets, queues, counters) lives in RateStore, outside snapshots.
 * @module
 */
import type { Clock } from '../core/index.ts'
import { RateBucket, rateLimits, type Abandoned, type QueueBounds, type RateCounters, type RateLimits } from './rate-bucket.ts'

/** How many keys a class keeps buckets for before idle ones are swept. */
const KEY_SWEEP_AT = 10000

/** One class's runtime state: its buckets by key ('' when none is given) and counters. */
export class RateState {
  limits: RateLimits = rateLimits(0, 0)
  readonly counters: RateCounters = { admitted: 0, queued: 0, dropped: 0, refused: 0, backlog: 0 }
  readonly #buckets = new Map<string, RateBucket>()
  #sweepAt = KEY_SWEEP_AT
  readonly #clock: Clock
  readonly #limitsNow = (): RateLimits => this.limits

  constructor(clock: Clock) {
    this.#clock = clock
  }

  bucket(key: string): RateBucket {
    let b = this.#buckets.get(key)
    if (b === undefined) {
      if (this.#buckets.size >= this.#sweepAt) this.#sweep()
      b = new RateBucket(this.counters, () => this.#clock.monoMs())
      this.#buckets.set(key, b)
    }
    return b
  }

  backlog(key: string): number {
    return this.#buckets.get(key)?.backlog ?? 0
  }

  /** 1 when let through now (and counted), 0 when over the limit. */
  tryUse(key: string): number {
    if (this.bucket(key).tryTake(this.limits, this.#clock.monoMs())) {
      this.counters.admitted++
      return 1
    }
    this.counters.refused++
    return 0
  }

  /** 1 at once, or a promise of 1 when let through; it rejects when the wait is given up. */
  use(key: string, bounds: QueueBounds, name: string): number | Promise<number> {
    const b = this.bucket(key)
    if (b.tryTake(this.limits, this.#clock.monoMs())) {
      this.counters.admitted++
      return 1
    }
    return new Promise((resolve, reject) => {
      b.enqueue(this.#limitsNow, bounds, (outcome: Abandoned | null) => {
        if (outcome === null) resolve(1)
        else if (outcome === 'class-removed') resolve(0)
        else reject(new Error(abandonedText(outcome, name, bounds)))
      })
    })
  }

  #sweep(): void {
    const nowMs = this.#clock.monoMs()
    for (const [key, b] of this.#buckets) if (b.isIdle(nowMs)) this.#buckets.delete(key)
    this.#sweepAt = Math.max(KEY_SWEEP_AT, this.#buckets.size * 2)
  }

  close(): void {
    for (const b of this.#buckets.values()) b.close()
    this.#buckets.clear()
  }
}

function abandonedText(outcome: 'timeout' | 'full', name: string, bounds: QueueBounds): string {
  return outcome === 'timeout'
    ? `waited ${bounds.maxWaitMs} ms in the queue of rate class "${name}"; the rule is abandoned`
    : `the queue of rate class "${name}" is full (${bounds.maxQueued} waiting); the rule is abandoned`
}

export const DEFAULT_QUEUE_BOUNDS: QueueBounds = Object.freeze({ maxQueued: 10000, maxWaitMs: 30000 })

/** Every rate class's state, by name, kept across reloads. */
export class RateStore {
  readonly #states = new Map<string, RateState>()
  readonly #clock: Clock
  readonly bounds: QueueBounds
  /** The classes' limits as configured, before the cluster's share is taken. */
  #configured: ReadonlyMap<string, RateLimits> = new Map()
  /** Live members of the cluster sharing every class (1 alone): each admits 1/members of the rate. */
  #members = 1

  constructor(clock: Clock, bounds: QueueBounds = DEFAULT_QUEUE_BOUNDS) {
    this.#clock = clock
    this.bounds = bounds
  }

  get(name: string): RateState | undefined {
    return this.#states.get(name)
  }

  entries(): IterableIterator<[string, RateState]> {
    return this.#states.entries()
  }

  /**
   * Makes the store hold exactly these classes with these limits (a configuration was
   * applied): classes that stay keep their queues and counters; removed ones give up their
   * queues (`rate.use` then returns 0, as for a class that does not exist).
   */
  apply(limits: ReadonlyMap<string, RateLimits>): void {
    this.#configured = limits
    for (const [name, state] of this.#states) {
      if (limits.has(name)) continue
      state.close()
      this.#states.delete(name)
    }
    for (const [name, l] of limits) {
      let state = this.#states.get(name)
      if (state === undefined) {
        state = new RateState(this.#clock)
        this.#states.set(name, state)
      }
      // A member of a cluster of n spaces its admissions n times wider: together they admit the rate.
      state.limits = this.#members === 1 ? l : { ...l, intervalMs: l.intervalMs * this.#members }
    }
  }

  /** The cluster now has `members` live members (issue #16); 1 when Sluice runs alone. */
  setMembers(members: number): void {
    const n = Math.max(1, Math.floor(members))
    if (n === this.#members) return
    this.#members = n
    this.apply(this.#configured)
  }
}

/** The limits of each `rate/<name>` object. */
export function rateClassLimits(objects: ReadonlyMap<string, { readonly basic: { readonly max_rate_per_minute: number; readonly max_rate_per_second: number } }>): Map<string, RateLimits> {
  const out = new Map<string, RateLimits>()
  for (const [name, p] of objects) out.set(name, rateLimits(p.basic.max_rate_per_minute, p.basic.max_rate_per_second))
  return out
}

/** What `rate.*` rule functions call (the rules module's RateShaper). */
export function rateShaper(store: RateStore): {
  has(cls: string): boolean
  use(cls: string, key: string): number | Promise<number>
  tryUse(cls: string, key: string): number
  backlog(cls: string, key: string): number
} {
  return {
    has: (cls) => store.get(cls) !== undefined,
    use: (cls, key) => store.get(cls)?.use(key, store.bounds, cls) ?? 0,
    tryUse: (cls, key) => store.get(cls)?.tryUse(key) ?? -1,
    backlog: (cls, key) => store.get(cls)?.backlog(key) ?? 0,
  }
}
