/**
 * vTM `weighted_round_robin`: round robin in proportion to node weight, smoothly interleaved.
 * @module
 */
import type { Balancer, BalanceNode } from './balancer.ts'
import { SmoothWeightedSelector } from './smooth-weighted.ts'
import { effectiveWeight } from './weight.ts'

function weightOf(node: BalanceNode): number {
  return effectiveWeight(node.weight)
}

/**
 * Gives each node picks in proportion to its weight, deterministically, and spreads a heavy
 * node's picks through the cycle: weights 5, 1, 1 give a a b a c a a, not five a's in a row.
 */
export class WeightedRoundRobinBalancer implements Balancer {
  readonly #selector = new SmoothWeightedSelector()

  pick(nodes: readonly BalanceNode[]): number {
    return this.#selector.select(nodes, weightOf)
  }
}
