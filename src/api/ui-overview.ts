/**
 * `status/local_tm/overview`: everything a live dashboard shows, in one read: every virtual
 * server's and every pool's counters, and every node with its configured state, its health and,
 * when it is dead, why. The web UI polls it every second; the values are the same as those of
 * the separate statistics resources.
 * @module
 */
import { nodeHealth, perPoolNodeStatistics, poolStatistics, virtualServerStatistics, type StatisticsSource, type StatsNodeView } from '../stats/index.ts'
import type { ApiContext } from './api-context.ts'

/** Why a dead node is dead: its monitor's words, or passive monitoring's. */
function deadReason(node: StatsNodeView): string {
  if (nodeHealth(node) === 'alive') return ''
  if (node.status.deadReason !== '') return node.status.deadReason
  return node.status.isPassiveFailed ? 'passive monitoring: connections to the node failed' : 'marked dead'
}

/** The overview document. */
export function overview(ctx: ApiContext, source: StatisticsSource): Record<string, unknown> {
  const config = ctx.app.snapshot?.config
  const names = new Set([...source.virtualServerNames, ...[...source.registry.virtualServers()].map((c) => c.name)])
  const virtualServers: Record<string, unknown> = {}
  for (const name of [...names].sort()) {
    const vs = config?.virtualServers.get(name)
    virtualServers[name] = {
      ...virtualServerStatistics(source.registry.virtualServer(name)),
      ...(vs === undefined ? {} : { enabled: vs.basic.enabled, protocol: vs.basic.protocol, port: vs.basic.port, pool: vs.basic.pool }),
    }
  }
  const pools: Record<string, unknown> = {}
  for (const name of [...source.pools.keys()].sort()) {
    const pool = source.pools.get(name)
    if (pool === undefined) continue
    pools[name] = {
      ...poolStatistics(pool),
      nodes_table: pool.nodes.map((n) => ({ node: n.config.id, ...perPoolNodeStatistics(n), dead_reason: deadReason(n) })),
    }
  }
  // Cache hit ratio, protection refusals, rate-class backlog and SLM conformance join here
  // when those features exist; the dashboard shows whatever this lists.
  return { time_ms: source.nowMs, virtual_servers: virtualServers, pools, capabilities: {} }
}
