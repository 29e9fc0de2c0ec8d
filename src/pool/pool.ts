/**
 * A pool as the data plane sees it in one snapshot: its nodes (configuration plus shared
 * runtime status), its balancer and its limits.
 * @module
 */
import type { Clock, Random } from '../core/index.ts'
import type { AlgorithmName, BalanceContext, BalanceNode, Balancer } from '../balance/index.ts'
import { createBalancer, selectPriorityGroup } from '../balance/index.ts'
import type { EventSink } from '../core/index.ts'
import type { NodeStatus } from './node-status.ts'
import type { PoolRuntime, QueueWaiter } from './pool-runtime.ts'

/** `choose` found usable nodes, but every one is at `max_connections_per_node`. */
export const POOL_BUSY = 'busy'

export type NodeState = 'active' | 'draining' | 'disabled'

export interface PoolNodeConfig {
  readonly id: string
  readonly weight: number
  readonly priority: number
  readonly state: NodeState
}

/** Pool keys the data plane reads, mapped once from vTM's configuration keys. */
export interface PoolSettings {
  readonly name: string
  readonly nodes: readonly PoolNodeConfig[]
  readonly algorithm: AlgorithmName
  readonly priorityEnabled: boolean
  readonly priorityNodes: number
  readonly failurePool: string
  readonly maxConnectTimeMs: number
  readonly maxReplyTimeMs: number
  /** 0 = no limit (vTM). */
  readonly maxConnectionAttempts: number
  readonly maxTimedOutConnectionAttempts: number
  readonly keepalive: boolean
  readonly keepaliveNonIdempotent: boolean
  /** Sluice `http.protocol` http2: requests go to the nodes as HTTP/2 streams. */
  readonly http2?: boolean
  /** 0 = no limit (vTM). */
  readonly maxIdleConnectionsPerNode: number
  readonly nagle: boolean
  readonly passiveMonitoring: boolean
  readonly nodeConnectionAttempts: number
  readonly retryFailTimeMs: number
  /** 0 = no limit (vTM `connection.max_connections_per_node`). */
  readonly maxConnectionsPerNode: number
  /** 0 = no limit (vTM `connection.max_queue_size`). */
  readonly maxQueueSize: number
  readonly queueTimeoutMs: number
  /** vTM `basic.persistence_class`: the default session persistence class; '' = none. */
  readonly persistenceClass: string
  /** `basic.bandwidth_class`: paces what is written to this pool's nodes ('' none). */
  readonly bandwidthClass?: string
}

/** One node of one pool in one snapshot. Reads live counters from its NodeStatus. */
export class PoolNode implements BalanceNode {
  readonly config: PoolNodeConfig
  readonly status: NodeStatus

  constructor(config: PoolNodeConfig, status: NodeStatus) {
    this.config = config
    this.status = status
  }

  get id(): string {
    return this.config.id
  }
  get weight(): number {
    return this.config.weight
  }
  get priority(): number {
    return this.config.priority
  }
  get activeConnections(): number {
    return this.status.activeConnections
  }
  get responseTimeMs(): number {
    return this.status.responseTimeMs
  }
  get usableSinceMs(): number {
    return this.status.usableSinceMs
  }
}

export class Pool {
  readonly settings: PoolSettings
  readonly nodes: readonly PoolNode[]
  readonly #balancer: Balancer
  readonly #ctx: BalanceContext
  /** Reused for every pick so that picking allocates nothing. */
  readonly #candidates: PoolNode[] = []
  readonly runtime: PoolRuntime
  readonly #events: EventSink

  constructor(
    settings: PoolSettings,
    nodes: readonly PoolNode[],
    runtime: PoolRuntime,
    deps: { clock: Clock; random: Random; events: EventSink },
  ) {
    this.settings = settings
    this.nodes = nodes
    this.runtime = runtime
    this.#events = deps.events
    this.#balancer = createBalancer(settings.algorithm)
    this.#ctx = { clock: deps.clock, random: deps.random, turn: runtime.turn }
  }

  get name(): string {
    return this.settings.name
  }

  /** True when the node may take new transactions now. */
  isUsable(node: PoolNode, nowMs: number): boolean {
    return node.config.state === 'active' && node.status.isAlive && node.status.failedUntilMs <= nowMs
  }

  /**
   * True when the node may take a transaction of a persistent session: as isUsable, except that
   * a draining node still serves the sessions it already has, and that a passively failed node
   * keeps its sessions while the pool has no usable node (see choose).
   */
  canTakeSession(node: PoolNode, nowMs: number): boolean {
    if (node.config.state === 'disabled' || !node.status.isAlive) return false
    return node.status.failedUntilMs <= nowMs || !this.hasUsableNode(nowMs)
  }

  /** True when the node is at `max_connections_per_node` (a new transaction would have to queue). */
  isAtLimit(node: PoolNode): boolean {
    const limit = this.settings.maxConnectionsPerNode
    return limit > 0 && node.status.activeConnections >= limit
  }

  /** True when some node may take new transactions now. */
  hasUsableNode(nowMs: number): boolean {
    const nodes = this.nodes
    for (let i = 0; i < nodes.length; i++) if (this.isUsable(nodes[i] as PoolNode, nowMs)) return true
    return false
  }

  /**
   * True when configuration and monitors let some node take traffic. Passive monitoring alone
   * never makes this false: such a pool can still try its passively failed nodes (see choose).
   */
  hasLiveNode(): boolean {
    const nodes = this.nodes
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as PoolNode
      if (node.config.state === 'active' && node.status.isAlive) return true
    }
    return false
  }

  /**
   * Chooses a node for a new transaction, skipping dead, draining, disabled and `tried` nodes.
   * When passive monitoring has failed every node that configuration and monitors allow, it
   * chooses among those nodes instead. Returns undefined when no node can be tried,
   * POOL_BUSY when nodes exist but all are at their connection limit (the caller may queue).
   */
  choose(tried: readonly PoolNode[] | null): PoolNode | typeof POOL_BUSY | undefined {
    const nowMs = this.#ctx.clock.monoMs()
    const limit = this.settings.maxConnectionsPerNode
    const candidates = this.#candidates
    candidates.length = 0
    let busy = false
    const nodes = this.nodes
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as PoolNode
      if (!this.isUsable(node, nowMs) || (tried !== null && tried.includes(node))) continue
      if (limit > 0 && node.status.activeConnections >= limit) busy = true
      else candidates.push(node)
    }
    if (candidates.length === 0) return busy ? POOL_BUSY : this.#chooseFailed(tried, nowMs)
    if (this.runtime.isUsingFailedNodes) this.runtime.isUsingFailedNodes = false
    return this.#pickFrom(candidates)
  }

  /**
   * The rare path of choose, when no untried node is usable. If a usable node exists (this
   * transaction has tried it), there is nothing more to try. Otherwise passive monitoring must
   * not leave the pool with no node at all, as nginx never fails the only server of a group and
   * Envoy balances over every host below its panic threshold: the nodes that configuration and
   * monitors allow are tried although passive monitoring has failed them.
   */
  #chooseFailed(tried: readonly PoolNode[] | null, nowMs: number): PoolNode | typeof POOL_BUSY | undefined {
    if (this.hasUsableNode(nowMs)) return undefined
    const nodes = this.nodes
    const limit = this.settings.maxConnectionsPerNode
    const candidates = this.#candidates
    let busy = false
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as PoolNode
      if (node.config.state !== 'active' || !node.status.isAlive || (tried !== null && tried.includes(node))) continue
      if (limit > 0 && node.status.activeConnections >= limit) busy = true
      else candidates.push(node)
    }
    if (candidates.length === 0) return busy ? POOL_BUSY : undefined
    if (!this.runtime.isUsingFailedNodes) {
      this.runtime.isUsingFailedNodes = true
      this.#events({
        severity: 'serious',
        category: 'pools',
        name: 'poolusingfailednodes',
        objects: { pool: this.name },
        message: `pool ${this.name} has no working node: passive monitoring has failed every node it could use, so traffic goes to those nodes`,
      })
    }
    return this.#pickFrom(candidates)
  }

  /** Balances over `candidates` (this.#candidates, emptied again afterwards). */
  #pickFrom(candidates: PoolNode[]): PoolNode | undefined {
    let group: readonly BalanceNode[] = candidates
    if (this.settings.priorityEnabled) group = selectPriorityGroup(candidates, this.settings.priorityNodes)
    const index = this.#balancer.pick(group, this.#ctx)
    const chosen = group[index] as PoolNode | undefined
    candidates.length = 0
    return chosen
  }

  /** Like choose, for callers that cannot queue: a busy pool counts as no node. */
  pick(tried: readonly PoolNode[] | null): PoolNode | undefined {
    const chosen = this.choose(tried)
    return chosen === POOL_BUSY ? undefined : chosen
  }

  /** A transaction starts using `node`. */
  acquire(node: PoolNode): void {
    node.status.connectionStarted()
    node.status.requests++
  }

  /** A transaction stops using `node`; a queued transaction may now get its slot. */
  release(node: PoolNode): void {
    node.status.connectionEnded()
    if (this.runtime.queueLength > 0) this.runtime.wakeOne()
  }

  /** Queues a transaction for a free slot; false when the queue is full. */
  enqueue(waiter: QueueWaiter, atFront = false): boolean {
    return this.runtime.enqueue(waiter, this.settings.maxQueueSize, atFront)
  }

  /**
   * Passive monitoring: real traffic could not connect to `node`. After
   * `node_connection_attempts` failures in a row the node is skipped for `node.retry_fail_time`.
   * `pools/nodefail` is raised only if the node was taking traffic until now.
   */
  noteConnectFailure(node: PoolNode): void {
    const status = node.status
    status.failures++
    status.consecutiveFailures++
    if (!this.settings.passiveMonitoring || status.consecutiveFailures < this.settings.nodeConnectionAttempts) return
    status.consecutiveFailures = 0
    const nowMs = this.#ctx.clock.monoMs()
    status.failedUntilMs = nowMs + this.settings.retryFailTimeMs
    const wasWorking = status.isAlive && !status.isPassiveFailed
    status.isPassiveFailed = true
    status.onPassiveChange?.(true, this.settings.retryFailTimeMs)
    if (!wasWorking) return
    this.#events({
      severity: 'warn',
      category: 'pools',
      name: 'nodefail',
      objects: { pool: this.name, node: node.id },
      message: `node ${node.id} failed: ${String(this.settings.nodeConnectionAttempts)} connection attempts failed (passive monitoring); retrying after ${String(this.settings.retryFailTimeMs / 1000)} s`,
    })
    // New traffic now goes to the failure pool. Without one, the pool is not dead: it keeps
    // trying its failed nodes, and choose says so.
    if (this.settings.failurePool !== '' && !this.hasUsableNode(nowMs)) {
      this.#events({
        severity: 'serious',
        category: 'pools',
        name: 'pooldied',
        objects: { pool: this.name },
        message: `pool ${this.name} has no usable nodes`,
      })
    }
  }

  /**
   * Real traffic reached `node`: passive monitoring no longer holds it out. It is working again
   * (`pools/nodeworking`) unless a monitor still considers it dead; then the monitor's recovery
   * is the event.
   */
  noteConnectSuccess(node: PoolNode): void {
    const status = node.status
    status.consecutiveFailures = 0
    if (!status.isPassiveFailed) return
    status.isPassiveFailed = false
    status.failedUntilMs = 0
    status.onPassiveChange?.(false, 0)
    if (!status.isAlive) return
    status.usableSinceMs = this.#ctx.clock.monoMs()
    this.#events({
      severity: 'info',
      category: 'pools',
      name: 'nodeworking',
      objects: { pool: this.name, node: node.id },
      message: `node ${node.id} is working again (passive monitoring)`,
    })
  }
}
