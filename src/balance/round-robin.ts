/**
 * vTM `round_robin`: each pick goes to the next node in turn.
 * @module
 */
import type { BalanceContext, Balancer, BalanceNode } from './balancer.ts'
import { Rotation } from './rotation.ts'

/**
 * Hands out picks in list order, one node after another. The cursor follows node ids, so when the
 * candidate list changes the rotation carries on from the node after the last one picked.
 */
export class RoundRobinBalancer implements Balancer {
  readonly #rotation = new Rotation()

  pick(nodes: readonly BalanceNode[], ctx?: BalanceContext): number {
    if (nodes.length === 0) return -1
    const turn = ctx?.turn
    if (turn !== undefined && turn !== null) return turn() % nodes.length
    const index = this.#rotation.start(nodes)
    this.#rotation.record(nodes, index)
    return index
  }
}
