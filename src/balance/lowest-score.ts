/**
 * Lowest-score selection with round-robin tie-breaking, shared by the "least" algorithms.
 * @module
 */
import type { BalanceNode } from './balancer.ts'
import { Rotation } from './rotation.ts'

/**
 * Scans the candidates once, starting just after the node picked last time, and returns the
 * first node whose score is strictly lower than every other. Starting the scan at the rotation
 * point is what spreads ties round robin instead of always favouring the first node.
 */
export class LowestScoreSelector {
  readonly #rotation = new Rotation()

  /**
   * Chooses an index. `isBetter(a, b)` says whether `a` scores strictly lower than `b`; it must be
   * created once by the caller, not per pick. A comparison that is never true (NaN data) simply
   * leaves the rotation's choice in place.
   */
  select(
    nodes: readonly BalanceNode[],
    isBetter: (a: BalanceNode, b: BalanceNode) => boolean,
  ): number {
    const n = nodes.length
    if (n === 0) return -1
    const start = this.#rotation.start(nodes)
    let best = start
    let bestNode = nodes[start]
    for (let k = 1; k < n; k++) {
      const i = start + k < n ? start + k : start + k - n
      const node = nodes[i]
      if (node === undefined) continue
      if (bestNode === undefined || isBetter(node, bestNode)) {
        best = i
        bestNode = node
      }
    }
    this.#rotation.record(nodes, best)
    return best
  }
}
