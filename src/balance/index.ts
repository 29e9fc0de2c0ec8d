/**
 * Load balancing: one interface, the seven vTM algorithms, and priority groups.
 * @module
 */
export { ALGORITHMS } from './balancer.ts'
export type { AlgorithmName, Balancer, BalanceContext, BalanceNode } from './balancer.ts'
export { createBalancer } from './create-balancer.ts'
export { selectPriorityGroup } from './priority.ts'
export { RoundRobinBalancer } from './round-robin.ts'
export { WeightedRoundRobinBalancer } from './weighted-round-robin.ts'
export { PerceptiveBalancer, PERCEPTIVE_DEFAULTS, rampFraction } from './perceptive.ts'
export type { PerceptiveOptions } from './perceptive.ts'
export { LeastConnectionsBalancer } from './least-connections.ts'
export { WeightedLeastConnectionsBalancer } from './weighted-least-connections.ts'
export { FastestResponseTimeBalancer } from './fastest-response-time.ts'
export { RandomBalancer } from './random.ts'
