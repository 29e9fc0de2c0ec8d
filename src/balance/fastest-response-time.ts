/**
 * vTM `fastest_response_time`: the node that has recently answered most quickly.
 * @module
 */
import type { Balancer, BalanceNode } from './balancer.ts'
import { LowestScoreSelector } from './lowest-score.ts'

/**
 * Whether a looks faster than b. An unmeasured node reports 0 ms, the lowest possible time, so it
 * wins until it has been tried and measured; that is deliberate, as otherwise it never would be.
 */
function faster(a: BalanceNode, b: BalanceNode): boolean {
  return a.responseTimeMs < b.responseTimeMs
}

/** Picks the lowest recent `responseTimeMs`; unmeasured nodes first; equal times take turns. */
export class FastestResponseTimeBalancer implements Balancer {
  readonly #selector = new LowestScoreSelector()

  pick(nodes: readonly BalanceNode[]): number {
    return this.#selector.select(nodes, faster)
  }
}
