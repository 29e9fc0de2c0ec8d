/**
 * Request collapsing: while one request for a key is on its way to a node (a fill), others for
 * the same key wait for its answer instead of reaching the node too. Fills and waits are
 * bounded in time by the caller: a fill older than its bound counts as gone.
 * @module
 */

interface Fill {
  readonly startMs: number
  /** False once the filling request has ended, whether or not it stored anything. */
  readonly isAlive: () => boolean
  readonly waiters: (() => void)[]
}

export class Fills {
  readonly #fills = new Map<string, Fill>()

  /** Requests waiting now, over every key. */
  get waiting(): number {
    let n = 0
    for (const f of this.#fills.values()) n += f.waiters.length
    return n
  }

  /** Whether a fill for `key` started within `maxAgeMs` of `nowMs` is in flight. */
  isFilling(key: string, nowMs: number, maxAgeMs: number): boolean {
    const f = this.#fills.get(key)
    if (f === undefined) return false
    if (nowMs - f.startMs <= maxAgeMs && f.isAlive()) return true
    // Its request ended some way that never reported (an error page, a client gone).
    this.#release(key, f)
    return false
  }

  /** Starts a fill for `key`; fills older than `maxAgeMs`, or whose request ended, are dropped first. */
  begin(key: string, nowMs: number, maxAgeMs: number, isAlive: () => boolean): void {
    // Map order is start order: the oldest fills come first, and the sweep stops at a live one.
    for (const [k, f] of this.#fills) {
      if (nowMs - f.startMs <= maxAgeMs && f.isAlive()) break
      this.#release(k, f)
    }
    const old = this.#fills.get(key)
    if (old !== undefined) this.#release(key, old)
    this.#fills.set(key, { startMs: nowMs, isAlive, waiters: [] })
  }

  /** Fills in flight now (for tests and statistics). */
  get size(): number {
    return this.#fills.size
  }

  /** Adds a waiter to the fill for `key`; false when there is none. */
  wait(key: string, resume: () => void): boolean {
    const f = this.#fills.get(key)
    if (f === undefined) return false
    f.waiters.push(resume)
    return true
  }

  /** Forgets a waiter that gave up. */
  forget(key: string, resume: () => void): void {
    const w = this.#fills.get(key)?.waiters
    if (w === undefined) return
    const at = w.indexOf(resume)
    if (at >= 0) w.splice(at, 1)
  }

  /** The fill for `key` is over (stored or not): its waiters resume. */
  end(key: string): void {
    const f = this.#fills.get(key)
    if (f !== undefined) this.#release(key, f)
  }

  #release(key: string, f: Fill): void {
    this.#fills.delete(key)
    for (const resume of f.waiters) resume()
  }
}
