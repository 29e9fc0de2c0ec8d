/**
 * Smooth weighted selection: the credit scheme behind weighted round robin and perceptive.
 * @module
 */
import type { BalanceNode } from './balancer.ts'
import { Rotation } from './rotation.ts'

/** Per-node credit, kept across picks and mutated in place so a pick allocates nothing. */
interface Credit {
  current: number
  seenAtPick: number
}

/** Stale credits are pruned only when the table grows past this slack, so pruning is rare. */
const PRUNE_SLACK = 32

/**
 * Each pick, every candidate earns its weight as credit; the node with the most credit wins and
 * pays back the total weight of the round. Over time each node's share equals its share of the
 * weights, and a heavy node's picks are spread out instead of sent in a burst.
 *
 * Credits are keyed by node id. A node that was not a candidate in the previous pick starts again
 * from zero, so a node coming back after an absence neither floods nor starves.
 */
export class SmoothWeightedSelector {
  readonly #credits = new Map<string, Credit>()
  readonly #rotation = new Rotation()
  #pick = 0
  readonly #pruneStale = (credit: Credit, id: string): void => {
    if (credit.seenAtPick < this.#pick - 1) this.#credits.delete(id)
  }

  /** How many node ids currently hold credit (bounded near twice the candidate count). */
  get trackedNodes(): number {
    return this.#credits.size
  }

  /**
   * Chooses an index. `weightOf` must be a function created once by the caller (not per pick);
   * negative or non-finite weights count as 0. When every weight is 0 the choice rotates.
   */
  select(nodes: readonly BalanceNode[], weightOf: (node: BalanceNode) => number): number {
    const n = nodes.length
    if (n === 0) return -1
    const pick = ++this.#pick
    if (this.#credits.size > 2 * n + PRUNE_SLACK) this.#credits.forEach(this.#pruneStale)
    const start = this.#rotation.start(nodes)
    let total = 0
    let best = start
    let bestCredit: Credit | undefined = undefined
    for (let k = 0; k < n; k++) {
      const i = start + k < n ? start + k : start + k - n
      const node = nodes[i]
      if (node === undefined) continue
      const credit = this.#creditFor(node.id, pick)
      const raw = weightOf(node)
      const weight = Number.isFinite(raw) && raw > 0 ? raw : 0
      credit.current += weight
      total += weight
      // Strictly greater: among equal credits the first in rotation order wins.
      if (bestCredit === undefined || credit.current > bestCredit.current) {
        best = i
        bestCredit = credit
      }
    }
    if (bestCredit !== undefined) bestCredit.current -= total
    this.#rotation.record(nodes, best)
    return best
  }

  #creditFor(id: string, pick: number): Credit {
    let credit = this.#credits.get(id)
    if (credit === undefined) {
      credit = { current: 0, seenAtPick: pick }
      this.#credits.set(id, credit)
    } else if (credit.seenAtPick !== pick - 1 && credit.seenAtPick !== pick) {
      credit.current = 0
    }
    credit.seenAtPick = pick
    return credit
  }
}
