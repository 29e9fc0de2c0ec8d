/**
 * vTM `random`: a uniformly random node per pick.
 * @module
 */
import type { Balancer, BalanceContext, BalanceNode } from './balancer.ts'

/** Picks uniformly with the injected `ctx.random`, ignoring weights and load. */
export class RandomBalancer implements Balancer {
  pick(nodes: readonly BalanceNode[], ctx: BalanceContext): number {
    const n = nodes.length
    if (n === 0) return -1
    const index = Math.floor(ctx.random.next() * n)
    // Guards a Random that breaks its [0, 1) contract: the index must stay in range.
    return index >= 0 && index < n ? index : 0
  }
}
