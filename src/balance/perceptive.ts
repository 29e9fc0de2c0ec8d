/**
 * vTM `perceptive`: predicts which node will answer fastest from response times and connection
 * counts, and ramps new or recovered nodes in gradually (slow start).
 * @module
 */
import type { Balancer, BalanceContext, BalanceNode } from './balancer.ts'
import { SmoothWeightedSelector } from './smooth-weighted.ts'

/** Tuning for {@link PerceptiveBalancer}. */
export interface PerceptiveOptions {
  /** How long a newly usable node takes to reach its full share. */
  readonly rampMs: number
  /** The share a node gets at the very start of its ramp, as a fraction of its full share. */
  readonly minRampFraction: number
  /** Response times below this count as this, so one lucky fast answer cannot take all traffic. */
  readonly minResponseTimeMs: number
}

/** The defaults Sluice uses; docs/load-balancing.md explains each. */
export const PERCEPTIVE_DEFAULTS: PerceptiveOptions = {
  rampMs: 20_000,
  minRampFraction: 0.05,
  minResponseTimeMs: 1,
}

/**
 * Each node's predicted capacity is `ramp / ((activeConnections + 1) * responseTime)`, and nodes
 * share picks in proportion to it through the same smooth credit scheme as weighted round robin.
 * A node with twice the response time, or twice the queue, gets half the share; a slow node still
 * gets some traffic, so its measurement stays fresh. Nodes without a measurement are assumed to be
 * as fast as the mean of the measured ones.
 */
export class PerceptiveBalancer implements Balancer {
  readonly #options: PerceptiveOptions
  readonly #selector = new SmoothWeightedSelector()
  #nowMs = 0
  #assumedResponseTimeMs = 1
  // Created once so a pick allocates nothing; it reads the fields set at the start of the pick.
  readonly #capacityOf = (node: BalanceNode): number => this.#capacity(node)

  constructor(options: Partial<PerceptiveOptions> = {}) {
    this.#options = { ...PERCEPTIVE_DEFAULTS, ...options }
  }

  pick(nodes: readonly BalanceNode[], ctx: BalanceContext): number {
    const n = nodes.length
    if (n === 0) return -1
    let sum = 0
    let measured = 0
    for (let i = 0; i < n; i++) {
      const rt = nodes[i]?.responseTimeMs ?? 0
      if (rt > 0 && Number.isFinite(rt)) {
        sum += rt
        measured++
      }
    }
    this.#assumedResponseTimeMs = measured > 0 ? sum / measured : this.#options.minResponseTimeMs
    this.#nowMs = ctx.clock.monoMs()
    return this.#selector.select(nodes, this.#capacityOf)
  }

  #capacity(node: BalanceNode): number {
    const { rampMs, minRampFraction, minResponseTimeMs } = this.#options
    const raw = node.responseTimeMs
    const rt = Math.max(
      raw > 0 && Number.isFinite(raw) ? raw : this.#assumedResponseTimeMs,
      minResponseTimeMs,
    )
    const conns = node.activeConnections > 0 ? node.activeConnections : 0
    return rampFraction(this.#nowMs - node.usableSinceMs, rampMs, minRampFraction) /
      ((conns + 1) * rt)
  }
}

/**
 * The fraction of its full share a node gets `ageMs` after becoming usable: `ageMs / rampMs`,
 * held at `minFraction` or more and reaching 1 at `rampMs`. Never 0, so a lone new node can still
 * be picked.
 */
export function rampFraction(ageMs: number, rampMs: number, minFraction: number): number {
  if (ageMs >= rampMs) return 1
  const fraction = ageMs / rampMs
  return fraction > minFraction ? fraction : minFraction
}
