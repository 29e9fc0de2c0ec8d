/**
 * vTM `weighted_least_connections`: least connections scaled by node weight.
 * @module
 */
import type { Balancer, BalanceNode } from './balancer.ts'
import { LowestScoreSelector } from './lowest-score.ts'
import { effectiveWeight } from './weight.ts'

/**
 * Whether a has fewer connections per unit of weight than b. Cross-multiplying instead of
 * dividing keeps equal ratios (2/4 and 1/2) exactly equal, so they are treated as ties.
 */
function lowerLoadPerWeight(a: BalanceNode, b: BalanceNode): boolean {
  return a.activeConnections * effectiveWeight(b.weight) <
    b.activeConnections * effectiveWeight(a.weight)
}

/** Picks the lowest `activeConnections / weight`; equal ratios take turns. */
export class WeightedLeastConnectionsBalancer implements Balancer {
  readonly #selector = new LowestScoreSelector()

  pick(nodes: readonly BalanceNode[]): number {
    return this.#selector.select(nodes, lowerLoadPerWeight)
  }
}
