/**
 * Per-pool runtime state that outlives snapshots: the "too busy" queue and its counters.
 * @module
 */

/** A transaction waiting for a node slot. `wake` is called when one may be free. */
export interface QueueWaiter {
  wake(): void
}

export class PoolRuntime {
  readonly name: string
  readonly #queue: QueueWaiter[] = []
  /** Transactions that had to wait (vTM `conns_queued`). */
  totalQueued = 0
  /** Transactions that gave up waiting (vTM `queue_timeouts`). */
  queueTimeouts = 0
  /** Transactions refused because the queue was full. */
  queueFull = 0
  /** The shortest and longest waits so far, ms (0 until a wait is recorded). */
  minQueueMs = 0
  maxQueueMs = 0
  totalQueueMs = 0
  /**
   * The pool is sending traffic to nodes that passive monitoring has failed, because it has no
   * other node (`pools/poolusingfailednodes` was raised); cleared once a node is usable again.
   */
  isUsingFailedNodes = false
  /** With several workers: takes the pool's next round-robin turn from shared memory. */
  turn: (() => number) | null = null

  constructor(name: string) {
    this.name = name
  }

  get queueLength(): number {
    return this.#queue.length
  }

  /** Adds a waiter at the back (or the front, for one that was woken but lost the race). */
  enqueue(waiter: QueueWaiter, maxQueue: number, atFront = false): boolean {
    if (!atFront && maxQueue > 0 && this.#queue.length >= maxQueue) {
      this.queueFull++
      return false
    }
    if (atFront) this.#queue.unshift(waiter)
    else {
      this.#queue.push(waiter)
      this.totalQueued++
    }
    return true
  }

  /** Removes a waiter that gave up (timeout, client gone). */
  remove(waiter: QueueWaiter): void {
    const at = this.#queue.indexOf(waiter)
    if (at !== -1) this.#queue.splice(at, 1)
  }

  /** Wakes the longest-waiting transaction, if any. */
  wakeOne(): void {
    const waiter = this.#queue.shift()
    waiter?.wake()
  }

  recordWait(ms: number): void {
    this.totalQueueMs += ms
    if (this.minQueueMs === 0 || ms < this.minQueueMs) this.minQueueMs = ms
    if (ms > this.maxQueueMs) this.maxQueueMs = ms
  }
}
