/**
 * The round-robin cursor shared by every algorithm that needs to break ties fairly.
 * @module
 */
import type { BalanceNode } from './balancer.ts'

/**
 * Remembers which node was picked last, by id, so the next scan can start just after it.
 * The pool may hand over a different candidate list on every pick (a node died, recovered or was
 * added), so the cursor keeps the id as well as the index: the id finds the same node again in a
 * changed list, and the index says where its successor now stands when the node itself is gone.
 */
export class Rotation {
  #lastId: string | undefined = undefined
  #lastIndex = -1

  /**
   * Index at which a scan should start: the node after the one picked last time.
   * Costs O(1) while the list is unchanged and O(n) once after it changes; allocates nothing.
   */
  start(nodes: readonly BalanceNode[]): number {
    const n = nodes.length
    if (n === 0 || this.#lastId === undefined) return 0
    const last = this.#lastIndex
    if (last < n && nodes[last]?.id === this.#lastId) return last + 1 === n ? 0 : last + 1
    for (let i = 0; i < n; i++) {
      if (nodes[i]?.id === this.#lastId) return i + 1 === n ? 0 : i + 1
    }
    // The last node left the list: whoever now stands in its place is next in turn.
    return last % n
  }

  /** Records the node that was picked, so the next `start` continues after it. */
  record(nodes: readonly BalanceNode[], index: number): void {
    const node = nodes[index]
    if (node === undefined) return
    this.#lastId = node.id
    this.#lastIndex = index
  }
}
