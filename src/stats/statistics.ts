/**
 * vTM-shaped statistics (`/status/local_tm/statistics/...`) read from the live counters:
 * virtual server counters from the StatsRegistry, pool and node counters from the current
 * snapshot's pools. Reading allocates; counting (on the data plane) does not.
 * @module
 */
import type { Histogram } from '../core/index.ts'
import type { StatsRegistry, VirtualServerCounters } from './counters.ts'
import type { BandwidthCountersView, ServiceLevelCountersView, ClassesView, ProtectionCountersView, RateCountersView } from './class-statistics.ts'

/** What statistics read from a pool's node (structurally the pool module's PoolNode). */
export interface StatsNodeView {
  readonly config: { readonly id: string; readonly state: string }
  readonly status: {
    readonly activeConnections: number
    readonly requests: number
    readonly failures: number
    readonly bytesToNode: number
    readonly bytesFromNode: number
    readonly isAlive: boolean
    readonly isPassiveFailed: boolean
    readonly deadReason: string
    readonly responseTimeMs: number
    readonly responseTimeMinMs: number
    readonly responseTimeMaxMs: number
    readonly idle: readonly unknown[]
    readonly responseTimes: Histogram
    readonly connectTimes: Histogram
  }
}

/** What statistics read from a pool (structurally the pool module's Pool). */
export interface StatsPoolView {
  readonly name: string
  readonly settings: { readonly algorithm: string }
  readonly nodes: readonly StatsNodeView[]
  readonly runtime: {
    readonly queueLength: number
    readonly totalQueued: number
    readonly queueTimeouts: number
    readonly queueFull: number
    readonly minQueueMs: number
    readonly maxQueueMs: number
    readonly totalQueueMs: number
  }
}

/** What statistics read of a virtual server's web cache counters (structurally cache's CacheCounters). */
export interface StatsWebCacheView {
  readonly hits: number
  readonly misses: number
  readonly staleHits: number
  readonly revalidations: number
  readonly evictions: number
  readonly entries: number
  readonly bytes: number
  readonly hitRatio: number
}

/** Where statistics come from. */
export interface StatisticsSource {
  readonly registry: StatsRegistry
  readonly pools: ReadonlyMap<string, StatsPoolView>
  /** Web cache counters by virtual server name (those that ever had the cache on). */
  readonly webCaches?: ReadonlyMap<string, StatsWebCacheView>
  /** Names of configured virtual servers (their counters may not exist yet). */
  readonly virtualServerNames: Iterable<string>
  readonly nowMs: number
  /** Service protection classes, when the source has them. */
  readonly protection?: ClassesView<ProtectionCountersView>
  /** Rate classes, when the source has them. */
  readonly rates?: ClassesView<RateCountersView>
  /** Bandwidth classes, when the source has them. */
  readonly bandwidth?: ClassesView<BandwidthCountersView>
  /** Service level monitors, when the source has them. */
  readonly serviceLevels?: ClassesView<ServiceLevelCountersView>
  /** Generations of applications (every worker summed), when the source has them. */
  readonly generations?: readonly GenerationFigures[]
}

/** One generation's figures for Prometheus (issue #19). */
export interface GenerationFigures {
  readonly virtualServer: string
  readonly generation: string
  readonly state: string
  readonly sessions: number
  readonly requests: number
  readonly errors: number
  readonly timeMs: number
}

/** A flat set of named values, as vTM returns them under `statistics`. */
export type StatValues = Readonly<Record<string, number | string>>

/**
 * A time in milliseconds as statistics show it: to the hundredth of a millisecond (10 µs), which
 * keeps sub-millisecond local answers visible without the clock's meaningless last digits.
 */
function ms(value: number): number {
  return Math.round(value * 100) / 100
}

/** vTM node health words. */
export function nodeHealth(node: StatsNodeView): 'alive' | 'dead' {
  return node.status.isAlive && !node.status.isPassiveFailed ? 'alive' : 'dead'
}

/** `virtual_servers/<name>`. */
export function virtualServerStatistics(c: VirtualServerCounters): StatValues {
  return {
    bytes_in: c.bytesIn,
    bytes_out: c.bytesOut,
    current_conn: c.currentConn,
    max_conn: c.maxConn,
    total_conn: c.totalConn,
    connections_refused: c.connectionsRefused,
    total_requests: c.totalRequests,
    total_http_requests: c.totalRequests,
    total_http1_requests: c.totalRequests,
    http_server1xx: c.http1xx,
    http_server2xx: c.http2xx,
    http_server3xx: c.http3xx,
    http_server4xx: c.http4xx,
    http_server5xx: c.http5xx,
    connection_errors: c.connectionErrors,
    linger_timed_out: c.lingerTimeouts,
    gzip: c.compressedResponses,
    gzip_bytes_saved: c.compressionBytesSaved,
    response_min: ms(c.responseTimeMinMs),
    response_mean: ms(c.totalRequests === 0 ? 0 : c.responseTimeTotalMs / c.totalRequests),
    response_max: ms(c.responseTimeMaxMs),
  }
}

/** The web cache part of `virtual_servers/<name>` (Sluice), for virtual servers that cache. */
export function webCacheStatistics(c: StatsWebCacheView): StatValues {
  return {
    web_cache_hits: c.hits,
    web_cache_misses: c.misses,
    web_cache_stale_hits: c.staleHits,
    web_cache_revalidations: c.revalidations,
    web_cache_evictions: c.evictions,
    web_cache_entries: c.entries,
    web_cache_bytes: c.bytes,
    web_cache_hit_ratio: Math.round(c.hitRatio * 10000) / 10000,
  }
}

/** `pools/<name>`. Bytes in are bytes from the nodes, bytes out bytes to them (vTM's view). */
export function poolStatistics(pool: StatsPoolView): StatValues {
  let bytesIn = 0
  let bytesOut = 0
  let totalConn = 0
  let draining = 0
  let disabled = 0
  let alive = 0
  for (const n of pool.nodes) {
    bytesIn += n.status.bytesFromNode
    bytesOut += n.status.bytesToNode
    totalConn += n.status.requests
    if (n.config.state === 'draining') draining++
    if (n.config.state === 'disabled') disabled++
    if (n.config.state !== 'disabled' && nodeHealth(n) === 'alive') alive++
  }
  const r = pool.runtime
  return {
    algorithm: pool.settings.algorithm,
    bytes_in: bytesIn,
    bytes_out: bytesOut,
    conns_queued: r.queueLength,
    total_queued: r.totalQueued,
    queue_timeouts: r.queueTimeouts,
    queue_full: r.queueFull,
    min_queue_time: ms(r.minQueueMs),
    mean_queue_time: ms(r.totalQueued === 0 ? 0 : r.totalQueueMs / r.totalQueued),
    max_queue_time: ms(r.maxQueueMs),
    disabled,
    draining,
    nodes: pool.nodes.length,
    persistence: 'none',
    state: alive > 0 ? 'active' : 'failed',
    total_conn: totalConn,
  }
}

/** `nodes/per_pool_node/<pool>-<node>`. `node_state` is the configured state (Sluice). */
export function perPoolNodeStatistics(node: StatsNodeView): StatValues {
  const s = node.status
  return {
    bytes_from_node: s.bytesFromNode,
    bytes_to_node: s.bytesToNode,
    current_conn: s.activeConnections,
    current_requests: s.activeConnections,
    errors: s.failures,
    failures: s.failures,
    idle_conns: s.idle.length,
    pooled_conn: s.idle.length,
    response_min: ms(s.responseTimeMinMs),
    response_mean: ms(s.responseTimeMs),
    response_max: ms(s.responseTimeMaxMs),
    state: nodeHealth(node),
    node_state: node.config.state,
    total_conn: s.requests,
  }
}

/** `nodes/node/<host:port>`: one node summed over every pool that has it. */
export function nodeStatistics(source: StatisticsSource, id: string): StatValues | undefined {
  const found = [...source.pools.values()].flatMap((p) => p.nodes.filter((n) => n.config.id === id))
  if (found.length === 0) return undefined
  const sum = (f: (n: StatsNodeView) => number) => found.reduce((acc, n) => acc + f(n), 0)
  return {
    bytes_from_node: sum((n) => n.status.bytesFromNode),
    bytes_to_node: sum((n) => n.status.bytesToNode),
    current_conn: sum((n) => n.status.activeConnections),
    current_requests: sum((n) => n.status.activeConnections),
    errors: sum((n) => n.status.failures),
    failures: sum((n) => n.status.failures),
    pooled_conn: sum((n) => n.status.idle.length),
    state: found.some((n) => nodeHealth(n) === 'alive') ? 'alive' : 'dead',
    total_conn: sum((n) => n.status.requests),
  }
}

/** `globals`. */
export function globalStatistics(source: StatisticsSource): StatValues {
  let bytesIn = 0
  let bytesOut = 0
  let totalConn = 0
  let currentConn = 0
  let requests = 0
  for (const c of source.registry.virtualServers()) {
    bytesIn += c.bytesIn
    bytesOut += c.bytesOut
    totalConn += c.totalConn
    currentConn += c.currentConn
    requests += c.totalRequests
  }
  return {
    total_bytes_in: bytesIn,
    total_bytes_out: bytesOut,
    total_conn: totalConn,
    total_current_conn: currentConn,
    total_requests: requests,
    number_of_pools: source.pools.size,
    up_time: Math.max(0, Math.floor((source.nowMs - source.registry.startedWallMs) / 1000)),
  }
}

/** `/status/local_tm/state`: vTM's health summary. */
export function stateSummary(source: StatisticsSource): Record<string, unknown> {
  const failed = new Map<string, string[]>()
  const pools: Record<string, { active_nodes: string[]; disabled_nodes: string[]; draining_nodes: string[] }> = {}
  const errors: string[] = []
  for (const pool of source.pools.values()) {
    const entry = { active_nodes: [] as string[], disabled_nodes: [] as string[], draining_nodes: [] as string[] }
    for (const n of pool.nodes) {
      if (n.config.state === 'disabled') entry.disabled_nodes.push(n.config.id)
      else if (n.config.state === 'draining') entry.draining_nodes.push(n.config.id)
      else entry.active_nodes.push(n.config.id)
      if (n.config.state !== 'disabled' && nodeHealth(n) === 'dead') failed.set(n.config.id, [...(failed.get(n.config.id) ?? []), pool.name])
    }
    pools[pool.name] = entry
    if (poolStatistics(pool)['state'] === 'failed' && pool.nodes.length > 0) errors.push(`pool ${pool.name} has no usable nodes`)
  }
  const errorLevel = errors.length > 0 ? 'error' : failed.size > 0 ? 'warn' : 'ok'
  return {
    state: {
      error_level: errorLevel,
      errors,
      failed_nodes: [...failed].map(([node, inPools]) => ({ node, pools: inPools })),
      pools,
    },
  }
}
