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
 * the built-in `discard` pool. When nothing in the chain is usable, the first pool of the chain
 * that passive monitoring alone has emptied (Pool.choose then tries its failed nodes), or else
 * `pool` itself (the caller then answers 503).
 */
export function resolveFailover(pool: Pool, pools: ReadonlyMap<string, Pool>, nowMs: number): Pool | null {
  let current = pool
  let passivelyFailed: Pool | null = null
  for (let depth = 0; depth < MAX_FAILOVER_DEPTH; depth++) {
    if (current.hasUsableNode(nowMs)) return current
    if (passivelyFailed === null && current.hasLiveNode()) passivelyFailed = current
    const next = current.settings.failurePool
    if (next === 'discard') return null
    const found = next === '' ? undefined : pools.get(next)
    if (found === undefined) break
    current = found
  }
  return passivelyFailed ?? pool
}
