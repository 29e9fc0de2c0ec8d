/**
 * A pool as the data plane sees it in one snapshot: its nodes (configuration plus shared
 * runtime status), its balancer and its limits.
 * @module
 */
import type { Clock, Random } from '../core/index.ts'
import type { AlgorithmName, BalanceContext, BalanceNode, Balancer } from '../balance/index.ts'
import { createBalancer, selectPriorityGroup } from '../balance/index.ts'
import type { NodeStatus } from './node-status.ts'

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
  /** 0 = no limit (vTM). */
  readonly maxIdleConnectionsPerNode: number
  readonly nagle: boolean
  readonly passiveMonitoring: boolean
  readonly nodeConnectionAttempts: number
  readonly retryFailTimeMs: number
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

  constructor(settings: PoolSettings, nodes: readonly PoolNode[], clock: Clock, random: Random) {
    this.settings = settings
    this.nodes = nodes
    this.#balancer = createBalancer(settings.algorithm)
    this.#ctx = { clock, random }
  }

  get name(): string {
    return this.settings.name
  }

  /** True when the node may take new transactions now. */
  isUsable(node: PoolNode, nowMs: number): boolean {
    return node.config.state === 'active' && node.status.isAlive && node.status.failedUntilMs <= nowMs
  }

  /** Counts nodes that may take new transactions now. */
  usableCount(nowMs: number): number {
    let n = 0
    for (const node of this.nodes) if (this.isUsable(node, nowMs)) n++
    return n
  }

  /**
   * Chooses a node for a new transaction, skipping dead, draining, disabled and `tried` nodes.
   * Returns undefined when no node is usable.
   */
  pick(tried: readonly PoolNode[] | null): PoolNode | undefined {
    const nowMs = this.#ctx.clock.monoMs()
    const candidates = this.#candidates
    candidates.length = 0
    for (const node of this.nodes) {
      if (this.isUsable(node, nowMs) && (tried === null || !tried.includes(node))) candidates.push(node)
    }
    if (candidates.length === 0) return undefined
    let group: readonly BalanceNode[] = candidates
    if (this.settings.priorityEnabled) group = selectPriorityGroup(candidates, this.settings.priorityNodes)
    const index = this.#balancer.pick(group, this.#ctx)
    const chosen = group[index] as PoolNode | undefined
    candidates.length = 0
    return chosen
  }
}
