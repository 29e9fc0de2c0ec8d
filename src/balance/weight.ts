/**
 * Defensive reading of node weights.
 * @module
 */

/**
 * The weight an algorithm should use: the configured one when it is a positive finite number,
 * otherwise vTM's default of 1. Config validation keeps weights in 1..100, but a balancer on the
 * data plane must never misbehave (divide by zero, starve every node) on a bad value.
 */
export function effectiveWeight(weight: number): number {
  return Number.isFinite(weight) && weight > 0 ? weight : 1
}
