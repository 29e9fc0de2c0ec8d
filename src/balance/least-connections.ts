/**
 * vTM `least_connections`: the node with the fewest active connections.
 * @module
 */
import type { Balancer, BalanceNode } from './balancer.ts'
import { LowestScoreSelector } from './lowest-score.ts'

function fewerConnections(a: BalanceNode, b: BalanceNode): boolean {
  return a.activeConnections < b.activeConnections
}

/** Picks the node with the fewest active connections; equal counts take turns. */
export class LeastConnectionsBalancer implements Balancer {
  readonly #selector = new LowestScoreSelector()

  pick(nodes: readonly BalanceNode[]): number {
    return this.#selector.select(nodes, fewerConnections)
  }
}
