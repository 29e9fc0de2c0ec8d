/**
 * The one interface every load-balancing algorithm implements.
 * @module
 */
import type { Clock, Random } from '../core/index.ts'

/** What a balancer may know about one candidate node. The pool fills it; balancers only read. */
export interface BalanceNode {
  /** Stable identity, `host:port`. */
  readonly id: string
  /** vTM node weight, 1..100. */
  readonly weight: number
  /** vTM node priority; higher numbers are preferred when priority groups are enabled. */
  readonly priority: number
  /** Connections (in-flight transactions) this process has open to the node now. */
  readonly activeConnections: number
  /** Recent mean response time in milliseconds; 0 when nothing has been measured yet. */
  readonly responseTimeMs: number
  /** Monotonic time (Clock.monoMs) at which the node became usable (added or recovered). */
  readonly usableSinceMs: number
}

/** Injected so every algorithm is deterministic under test. */
export interface BalanceContext {
  readonly clock: Clock
  readonly random: Random
  /**
   * With several workers: the pool's turn counter in shared memory (each call takes the next
   * turn), so round robin goes round once for all workers rather than once per worker.
   */
  readonly turn?: (() => number) | null
}

/**
 * Picks one node from a non-empty list of usable candidates.
 * Returns the index into `nodes`, or -1 only when `nodes` is empty.
 * Implementations may keep state between picks (a round-robin cursor), keyed by node id,
 * so that adding or removing a node does not reset the rotation for the others.
 */
export interface Balancer {
  pick(nodes: readonly BalanceNode[], ctx: BalanceContext): number
}

/** vTM's algorithm names, exactly as the configuration spells them. */
export const ALGORITHMS = [
  'round_robin',
  'weighted_round_robin',
  'perceptive',
  'least_connections',
  'weighted_least_connections',
  'fastest_response_time',
  'random',
] as const

export type AlgorithmName = (typeof ALGORITHMS)[number]
