/**
 * Failure pools: when every node of a pool has failed, its `failure_pool` takes the traffic.
 * @module
 */
import type { Pool } from './pool.ts'

/** Longest chain of failure pools followed (guards against loops such as a -> b -> a). */
const MAX_FAILOVER_DEPTH = 8

/**
 * The pool that should take a new transaction: `pool` itself while it has a usable node,
 * otherwise the first usable pool along its `failure_pool` chain; `null` when the chain reaches
 * the built-in `discard` pool. When nothing in the chain is usable, `pool` itself (the caller
 * then answers 503).
 */
export function resolveFailover(pool: Pool, pools: ReadonlyMap<string, Pool>, nowMs: number): Pool | null {
  let current = pool
  for (let depth = 0; depth < MAX_FAILOVER_DEPTH; depth++) {
    if (current.usableCount(nowMs) > 0) return current
    const next = current.settings.failurePool
    if (next === '') return pool
    if (next === 'discard') return null
    const found = pools.get(next)
    if (found === undefined) return pool
    current = found
  }
  return pool
}
