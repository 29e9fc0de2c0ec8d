/**
 * vTM priority groups (`load_balancing.priority_enabled`, `priority_nodes`).
 * @module
 */
import type { BalanceNode } from './balancer.ts'

/**
 * Narrows usable nodes to the priority groups that should take traffic.
 *
 * Groups are nodes of equal `priority`; a higher number is preferred. The highest group is used
 * alone while it has at least `minNodes` nodes. Otherwise the next lower groups are added, one
 * whole group at a time, highest first, until at least `minNodes` nodes are included or every
 * group is. The result keeps the input order. `minNodes` below 1 counts as 1.
 *
 * Allocates only when it must drop nodes: when every node is included, `nodes` itself is returned.
 * Nodes whose priority is not a number (NaN) belong to no group and are only kept when every node
 * is kept.
 *
 * @example
 * // priorities [2, 2, 1, 0], minNodes 3 -> the two 2s and the 1.
 */
export function selectPriorityGroup(
  nodes: readonly BalanceNode[],
  minNodes: number,
): readonly BalanceNode[] {
  const n = nodes.length
  const wanted = minNodes >= 1 ? minNodes : 1
  let threshold = Infinity
  let included = 0
  while (included < wanted) {
    // The next group down is the highest priority strictly below the current threshold.
    let next = -Infinity
    for (let i = 0; i < n; i++) {
      const p = nodes[i]?.priority ?? NaN
      if (p < threshold && p > next) next = p
    }
    if (next === -Infinity) break
    threshold = next
    included = 0
    for (let i = 0; i < n; i++) {
      if ((nodes[i]?.priority ?? NaN) >= threshold) included++
    }
  }
  if (included === n || included === 0) return nodes
  const result: BalanceNode[] = []
  for (const node of nodes) {
    if (node.priority >= threshold) result.push(node)
  }
  return result
}
