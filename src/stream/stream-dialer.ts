/**
 * Finding a node for a generic TCP transaction: failure pools, session persistence, the balancer,
 * the too-busy queue, and trying other nodes while nothing has been exchanged.
 * @module
 */
import { connect, type Socket } from 'node:net'
import type { Clock } from '../core/index.ts'
import { isPersistenceFailure, type PersistenceChoice, type PersistenceClasses, type PersistenceSession } from '../persist/index.ts'
import { POOL_BUSY, resolveFailover, type Pool, type PoolNode, type QueueWaiter } from '../pool/index.ts'

/** What the dialer reports back to its transaction. */
export interface DialerOwner {
  /** A node accepted the connection; the socket is the owner's from now on. */
  onConnected(socket: Socket): void
  /** No node can be had (none usable, attempts used up, queue full or timed out, persistence). */
  onNoNode(): void
}

export class StreamDialer implements QueueWaiter {
  readonly #owner: DialerOwner
  readonly #clock: Clock
  readonly #tried: PoolNode[] = []
  #pool: Pool | null = null
  #session: PersistenceSession | null = null
  #node: PoolNode | null = null
  #socket: Socket | null = null
  #attempts = 0
  #queuedAtMs = 0
  #queueTimer: NodeJS.Timeout | null = null
  #isDone = false

  constructor(owner: DialerOwner, clock: Clock) {
    this.#owner = owner
    this.#clock = clock
  }

  /** The pool in use (after failover), once dialling has started. */
  get pool(): Pool | null {
    return this.#pool
  }

  /** The node the transaction holds a slot on, if any. */
  get node(): PoolNode | null {
    return this.#node
  }

  /** Starts with `start` (or its failure pool) and the persistence the rules chose. */
  dial(start: Pool, pools: ReadonlyMap<string, Pool>, persistence: PersistenceClasses, clientIp: string, choice: PersistenceChoice | null): void {
    this.#pool = resolveFailover(start, pools, this.#clock.monoMs())
    if (this.#pool !== null) this.#session = persistence.open(this.#pool, clientIp, choice)
    this.#next()
  }

  #next(): void {
    const pool = this.#pool
    if (pool === null || this.#isDone) {
      this.#fail()
      return
    }
    const limit = pool.settings.maxConnectionAttempts
    const session = this.#session
    const choice = limit > 0 && this.#attempts >= limit ? undefined : session !== null ? session.choose(pool, this.#tried) : pool.choose(this.#tried)
    if (choice !== undefined && isPersistenceFailure(choice)) {
      // The session's node is gone and the class says close (a stream cannot be redirected).
      this.#fail()
      return
    }
    if (choice === POOL_BUSY) {
      this.#wait(pool)
      return
    }
    if (this.#queuedAtMs !== 0) {
      if (this.#queueTimer !== null) clearTimeout(this.#queueTimer)
      this.#queueTimer = null
      pool.runtime.recordWait(this.#clock.monoMs() - this.#queuedAtMs)
      this.#queuedAtMs = 0
    }
    if (choice === undefined) {
      this.#fail()
      return
    }
    const node = choice
    this.#attempts++
    this.#node = node
    pool.acquire(node)
    const openedMs = this.#clock.monoMs()
    const socket = connect({ host: node.status.host, port: node.status.port, allowHalfOpen: true, noDelay: !pool.settings.nagle })
    this.#socket = socket
    const connectTimeoutMs = pool.settings.maxConnectTimeMs
    if (connectTimeoutMs > 0) socket.setTimeout(connectTimeoutMs)
    const onFailure = () => {
      socket.destroy()
      if (this.#socket !== socket) return
      this.#socket = null
      this.#node = null
      pool.noteConnectFailure(node)
      pool.release(node)
      this.#tried.push(node)
      this.#next()
    }
    socket.on('error', onFailure)
    socket.on('timeout', onFailure)
    socket.once('connect', () => {
      socket.off('error', onFailure)
      socket.off('timeout', onFailure)
      socket.setTimeout(0)
      this.#socket = null
      if (this.#isDone) {
        socket.destroy()
        return
      }
      node.status.recordConnectTime(this.#clock.monoMs() - openedMs)
      pool.noteConnectSuccess(node)
      session?.record(node)
      this.#owner.onConnected(socket)
    })
  }

  /** Every usable node is at `max_connections_per_node`: wait in the pool's queue. */
  #wait(pool: Pool): void {
    const isRequeue = this.#queuedAtMs !== 0
    if (!pool.enqueue(this, isRequeue)) {
      this.#fail()
      return
    }
    if (isRequeue) return
    this.#queuedAtMs = this.#clock.monoMs()
    const timeoutMs = pool.settings.queueTimeoutMs
    if (timeoutMs > 0) {
      this.#queueTimer = setTimeout(() => {
        pool.runtime.queueTimeouts++
        this.#fail()
      }, timeoutMs)
    }
  }

  /** QueueWaiter: a node slot may be free. */
  wake(): void {
    if (this.#queuedAtMs !== 0 && !this.#isDone) this.#next()
  }

  #fail(): void {
    if (this.#isDone) return
    this.cancel()
    this.#owner.onNoNode()
  }

  /** Stops dialling and gives back the node slot (the transaction is over). */
  cancel(): void {
    if (this.#isDone) return
    this.#isDone = true
    if (this.#queuedAtMs !== 0) this.#pool?.runtime.remove(this)
    if (this.#queueTimer !== null) clearTimeout(this.#queueTimer)
    this.#socket?.destroy()
    this.#socket = null
    if (this.#node !== null && this.#pool !== null) this.#pool.release(this.#node)
  }
}
