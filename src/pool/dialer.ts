/**
 * Finding a node for one transaction, for HTTP and generic TCP virtual servers alike: failure
 * pools, session persistence, the balancer, `max_connection_attempts`, the too-busy queue and its
 * timeout, the connect deadline, and passive monitoring's notes on each attempt. How a node is
 * actually reached is the owner's (an upstream codec: a new TCP or TLS connection, a kept-alive
 * HTTP/1.1 connection, later an HTTP/2 stream); the dialer only says which node and when.
 * @module
 */
import type { Clock, HasDeadline, TimeoutSweeper } from '../core/index.ts'
import { resolveFailover } from './failover.ts'
import { POOL_BUSY, type Pool, type PoolNode } from './pool.ts'
import type { QueueWaiter } from './pool-runtime.ts'

/** A session's node cannot be used, and its persistence class says not to pick another. */
export interface SessionRefusal {
  readonly failure: 'close' | 'url'
  /** Where to redirect HTTP clients (`url` mode); '' otherwise. */
  readonly url: string
}

/** Session persistence as the dialer sees it (persist/ implements it). */
export interface SessionChooser {
  /** As Pool.choose, but keeping a session on its node; or a refusal to act on. */
  choose(pool: Pool, tried: readonly PoolNode[] | null): PoolNode | typeof POOL_BUSY | undefined | SessionRefusal
  /** `node` took the transaction: it is the session's node from now on. */
  record(node: PoolNode): void
}

/** Narrows a choice to a session's refusal. */
export function isSessionRefusal(choice: PoolNode | typeof POOL_BUSY | undefined | SessionRefusal): choice is SessionRefusal {
  return typeof choice === 'object' && 'failure' in choice
}

/**
 * Why no node could be had:
 * - `discard`: the pool (or its failure-pool chain) is the built-in discard pool;
 * - `no-node`: no usable node is left, or the attempts are used up;
 * - `queue-full`, `queue-timeout`: every usable node is at its connection limit and the queue
 *   is full, or the wait for a slot timed out;
 * - `session-close`: the session's node cannot be used and its class says close.
 */
export type NoNodeReason = 'discard' | 'no-node' | 'queue-full' | 'queue-timeout' | 'session-close'

/** The transaction a dialer works for. */
export interface DialerOwner {
  /**
   * A slot on `node` is held: reach it. Then call `reused()` (a kept-alive connection was
   * taken), `connected()`, or `failed()` followed by `next()` or giving up.
   */
  openConnection(node: PoolNode, pool: Pool): void
  /** No node can be had. */
  noNode(reason: NoNodeReason): void
  /** The session's node cannot be used and its class redirects (`failure_mode` url). */
  redirect(url: string): void
  /** Whether the transaction may still move to another pool (nothing reached a node yet). */
  canSwitchPool(): boolean
  /** The session persistence that applies in `pool`, or null. */
  sessionFor(pool: Pool): SessionChooser | null
  /** The connect deadline passed: abandon the attempt; its failure is reported as usual. */
  connectTimedOut(): void
}

const D_NONE = 0
const D_QUEUE = 1
const D_CONNECT = 2

export class Dialer implements QueueWaiter, HasDeadline {
  readonly #owner: DialerOwner
  readonly #clock: Clock
  readonly #sweeper: TimeoutSweeper
  #pools: ReadonlyMap<string, Pool> = new Map()
  #session: SessionChooser | null = null
  #queuedSinceMs = 0
  /** When the current attempt began (monotonic ms), for the node's connect-time histogram. */
  #attemptSinceMs = 0
  #deadline = D_NONE
  #isMember = false
  /** The pool in use (after failover), once dialling has started. */
  pool: Pool | null = null
  /** The node this transaction holds a slot on. */
  node: PoolNode | null = null
  /** Nodes already tried (or ruled out) for this transaction. */
  tried: PoolNode[] | null = null
  /** Nodes given a slot so far (`max_connection_attempts` counts them). */
  attempts = 0
  deadlineMs = 0

  constructor(owner: DialerOwner, clock: Clock, sweeper: TimeoutSweeper) {
    this.#owner = owner
    this.#clock = clock
    this.#sweeper = sweeper
  }

  /**
   * Starts a transaction's search in `base` (or its failure pool; null is the discard pool).
   * `ruledOut` are nodes of that pool not to use (a rule steered the transaction elsewhere).
   */
  start(base: Pool | null, pools: ReadonlyMap<string, Pool>, ruledOut: PoolNode[] | null): void {
    this.#pools = pools
    this.attempts = 0
    this.tried = null
    const pool = base === null ? null : resolveFailover(base, pools, this.#clock.monoMs())
    if (pool === null) {
      this.#owner.noNode('discard')
      return
    }
    this.pool = pool
    if (ruledOut !== null && ruledOut.length > 0) this.tried = ruledOut
    this.#session = this.#owner.sessionFor(pool)
    this.next()
  }

  /** Chooses the next node (or waits for a slot, switches to a failure pool, or gives up). */
  next(): void {
    const pool = this.pool
    if (pool === null) return
    const limit = pool.settings.maxConnectionAttempts
    const session = this.#session
    const choice = limit !== 0 && this.attempts >= limit ? undefined : session === null ? pool.choose(this.tried) : session.choose(pool, this.tried)
    if (choice === POOL_BUSY) {
      this.#enqueue(pool)
      return
    }
    if (choice !== undefined && isSessionRefusal(choice)) {
      this.#leaveQueue()
      if (choice.failure === 'url') this.#owner.redirect(choice.url)
      else this.#owner.noNode('session-close')
      return
    }
    if (this.#queuedSinceMs !== 0) {
      pool.runtime.recordWait(this.#clock.monoMs() - this.#queuedSinceMs)
      this.#queuedSinceMs = 0
      this.#disarm()
    }
    if (choice === undefined) {
      // The last usable node just failed: a failure pool may still take the transaction.
      const next = resolveFailover(pool, this.#pools, this.#clock.monoMs())
      if (next === null) {
        this.#owner.noNode('discard')
        return
      }
      if (next !== pool && this.#owner.canSwitchPool()) {
        this.pool = next
        this.tried = null
        this.#session = this.#owner.sessionFor(next)
        this.next()
        return
      }
      this.#owner.noNode('no-node')
      return
    }
    this.attempts++
    this.node = choice
    pool.acquire(choice)
    this.#attemptSinceMs = this.#clock.monoMs()
    this.#arm(D_CONNECT, pool.settings.maxConnectTimeMs)
    this.#owner.openConnection(choice, pool)
  }

  /** The node was reached through a kept-alive connection: nothing to note but the session. */
  reused(): void {
    this.#disarm()
    if (this.node !== null) this.#session?.record(this.node)
  }

  /** A new connection to the node is open: passive monitoring and the session learn of it. */
  connected(): void {
    this.#disarm()
    const node = this.node
    if (node === null) return
    node.status.recordConnectTime(this.#clock.monoMs() - this.#attemptSinceMs)
    this.pool?.noteConnectSuccess(node)
    this.#session?.record(node)
  }

  /**
   * The attempt on the current node failed; `countAsFailure` tells passive monitoring. The node
   * is given back and not tried again for this transaction. Call `next()` to go on.
   */
  failed(countAsFailure: boolean): void {
    this.#disarm()
    const node = this.node
    if (node === null) return
    if (countAsFailure) this.pool?.noteConnectFailure(node)
    this.tried ??= []
    this.tried.push(node)
    this.release()
  }

  /**
   * A kept-alive connection was closed by the node as it was reused: not the node's failure.
   * The slot is given back and the attempt not counted; `next()` tries again.
   */
  retryFresh(): void {
    this.release()
    this.attempts--
  }

  /** Gives back the node slot (the transaction is over with this node). */
  release(): void {
    const node = this.node
    if (node === null) return
    this.node = null
    if (this.pool !== null) this.pool.release(node)
    else node.status.connectionEnded()
  }

  /** Stops everything: leaves the queue, drops the deadline, gives back the slot. */
  cancel(): void {
    this.#leaveQueue()
    this.#disarm()
    this.release()
  }

  /** Forgets the finished transaction (its slot is given back already). */
  reset(): void {
    this.cancel()
    this.pool = null
    this.tried = null
    this.attempts = 0
    this.#session = null
  }

  /** Takes the dialer out of the sweeper for good (its owner is gone). */
  dispose(): void {
    this.cancel()
    if (this.#isMember) this.#sweeper.delete(this)
    this.#isMember = false
  }

  /** QueueWaiter: a node slot may be free; the first in line tries again. */
  wake(): void {
    if (this.#queuedSinceMs !== 0) this.next()
  }

  onDeadline(): void {
    const kind = this.#deadline
    this.#deadline = D_NONE
    if (kind === D_QUEUE) {
      if (this.pool !== null) this.pool.runtime.queueTimeouts++
      this.#leaveQueue()
      this.#owner.noNode('queue-timeout')
    } else if (kind === D_CONNECT) {
      this.#owner.connectTimedOut()
    }
  }

  /** Every usable node is at `max_connections_per_node`: wait for a slot, or give up. */
  #enqueue(pool: Pool): void {
    const requeue = this.#queuedSinceMs !== 0
    if (!pool.enqueue(this, requeue)) {
      this.#queuedSinceMs = 0
      this.#disarm()
      this.#owner.noNode('queue-full')
      return
    }
    if (requeue) return
    this.#queuedSinceMs = this.#clock.monoMs()
    this.#arm(D_QUEUE, pool.settings.queueTimeoutMs)
  }

  #leaveQueue(): void {
    if (this.#queuedSinceMs === 0) return
    this.pool?.runtime.remove(this)
    this.#queuedSinceMs = 0
  }

  #arm(kind: number, ms: number): void {
    if (ms <= 0) {
      this.#disarm()
      return
    }
    if (!this.#isMember) {
      this.#sweeper.add(this)
      this.#isMember = true
    }
    this.#deadline = kind
    this.deadlineMs = this.#clock.monoMs() + ms
  }

  #disarm(): void {
    this.#deadline = D_NONE
    this.deadlineMs = 0
  }
}
