/**
 * The factory that turns a configured algorithm name into a balancer.
 * @module
 */
import { assertNever } from '../core/index.ts'
import type { AlgorithmName, Balancer } from './balancer.ts'
import { FastestResponseTimeBalancer } from './fastest-response-time.ts'
import { LeastConnectionsBalancer } from './least-connections.ts'
import { WeightedLeastConnectionsBalancer } from './weighted-least-connections.ts'
import { PerceptiveBalancer } from './perceptive.ts'
import { RandomBalancer } from './random.ts'
import { RoundRobinBalancer } from './round-robin.ts'
import { WeightedRoundRobinBalancer } from './weighted-round-robin.ts'

/**
 * Creates a fresh balancer for a vTM algorithm name. Balancers keep state between picks (cursors,
 * credits), so each pool needs its own instance; keep it across snapshots to keep the rotation.
 *
 * @example
 * const balancer = createBalancer('weighted_round_robin')
 * const index = balancer.pick(usableNodes, { clock, random })
 */
export function createBalancer(name: AlgorithmName): Balancer {
  switch (name) {
    case 'round_robin':
      return new RoundRobinBalancer()
    case 'weighted_round_robin':
      return new WeightedRoundRobinBalancer()
    case 'perceptive':
      return new PerceptiveBalancer()
    case 'least_connections':
      return new LeastConnectionsBalancer()
    case 'weighted_least_connections':
      return new WeightedLeastConnectionsBalancer()
    case 'fastest_response_time':
      return new FastestResponseTimeBalancer()
    case 'random':
      return new RandomBalancer()
    default:
      return assertNever(name, 'load-balancing algorithm')
  }
}
