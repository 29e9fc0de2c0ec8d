/**
 * The same counters as the statistics tree, in the Prometheus text exposition format (0.0.4).
 * Names follow `sluice_<subsystem>_<what>_<unit>`; every name is declared in METRICS below.
 * @module
 */
import type { Histogram } from '../core/index.ts'
import {
  nodeHealth,
  type StatisticsSource,
} from './statistics.ts'

type MetricType = 'counter' | 'gauge' | 'histogram'

/** Every metric Sluice exports: name, type and help text. */
export const METRICS = {
  sluice_uptime_seconds: ['gauge', 'Seconds since the process started.'],
  sluice_virtual_server_connections_current: ['gauge', 'Client connections open now.'],
  sluice_virtual_server_connections_total: ['counter', 'Client connections accepted.'],
  sluice_virtual_server_connections_refused_total: ['counter', 'Client connections refused by max_concurrent_connections.'],
  sluice_virtual_server_requests_total: ['counter', 'Requests answered.'],
  sluice_virtual_server_responses_total: ['counter', 'Responses by status class.'],
  sluice_virtual_server_received_bytes_total: ['counter', 'Bytes received from clients.'],
  sluice_virtual_server_sent_bytes_total: ['counter', 'Bytes sent to clients.'],
  sluice_virtual_server_connection_errors_total: ['counter', 'Responses Sluice generated because a transaction failed.'],
  sluice_virtual_server_linger_timeouts_total: ['counter', 'Connections Sluice ended and closed by force because the client did not close in time.'],
  sluice_virtual_server_compressed_responses_total: ['counter', 'Responses sent compressed (gzip, brotli or zstd).'],
  sluice_virtual_server_compression_saved_bytes_total: ['counter', 'Body bytes compression kept off the wire: bytes in less bytes out.'],
  sluice_virtual_server_response_time_seconds: ['histogram', 'Response times, from the request to the end of the response.'],
  sluice_virtual_server_response_time_min_seconds: ['gauge', 'Shortest response time.'],
  sluice_virtual_server_response_time_max_seconds: ['gauge', 'Longest response time.'],
  sluice_virtual_server_cache_hits_total: ['counter', 'Requests answered from the web cache without a node.'],
  sluice_virtual_server_cache_misses_total: ['counter', 'Cacheable requests that found nothing stored.'],
  sluice_virtual_server_cache_stale_hits_total: ['counter', 'Cacheable requests that found only a stale entry (or one due for refresh).'],
  sluice_virtual_server_cache_revalidations_total: ['counter', 'Stale entries a node confirmed with 304 Not Modified.'],
  sluice_virtual_server_cache_evictions_total: ['counter', 'Entries evicted to make room.'],
  sluice_virtual_server_cache_entries: ['gauge', 'Entries (variants) stored now.'],
  sluice_virtual_server_cache_bytes: ['gauge', 'Bytes stored now.'],
  sluice_pool_nodes: ['gauge', 'Nodes configured in the pool.'],
  sluice_pool_queue_length: ['gauge', 'Transactions waiting for a node now.'],
  sluice_pool_queued_total: ['counter', 'Transactions that had to wait for a node.'],
  sluice_pool_queue_timeouts_total: ['counter', 'Transactions that gave up waiting.'],
  sluice_pool_node_up: ['gauge', '1 when the node is alive, 0 when it is dead.'],
  sluice_pool_node_state: ['gauge', '1 for the node\'s configured state (active, draining, disabled).'],
  sluice_pool_node_connections_current: ['gauge', 'Transactions in flight to the node.'],
  sluice_pool_node_requests_total: ['counter', 'Transactions sent to the node.'],
  sluice_pool_node_failures_total: ['counter', 'Connection failures to the node.'],
  sluice_pool_node_sent_bytes_total: ['counter', 'Bytes sent to the node.'],
  sluice_pool_node_received_bytes_total: ['counter', 'Bytes received from the node.'],
  sluice_pool_node_response_time_seconds: ['gauge', 'Moving average of the node\'s response time.'],
  sluice_pool_node_response_duration_seconds: ['histogram', 'The node\'s response times, from sending the request to its complete response.'],
  sluice_pool_node_connect_duration_seconds: ['histogram', 'Times to open a connection to the node (with the TLS handshake when the pool encrypts).'],
  sluice_protection_refusals_total: ['counter', 'Connections and requests a service protection class refused (or, in testing mode, would have), by reason.'],
  sluice_protection_testing_allowed_total: ['counter', 'Refusals a service protection class in testing mode let through.'],
  sluice_rate_admitted_total: ['counter', 'Requests a rate class let through.'],
  sluice_rate_queued_total: ['counter', 'Requests that waited in a rate class\'s queue.'],
  sluice_rate_dropped_total: ['counter', 'Queued requests a rate class gave up on (queue full, waited too long, class removed).'],
  sluice_rate_refused_total: ['counter', 'rate.use.noQueue calls over the limit.'],
  sluice_rate_queue_length: ['gauge', 'Requests waiting in a rate class now.'],
  sluice_bandwidth_bytes_total: ['counter', 'Bytes a bandwidth class let through.'],
  sluice_bandwidth_connections_total: ['counter', 'Connections and transactions a bandwidth class paced.'],
  sluice_bandwidth_maximum_kbits: ['gauge', 'A bandwidth class\'s maximum, kbit/s.'],
  sluice_slm_conforming_percent: ['gauge', 'Responses of a service level monitor that started within its response time, over the last 10 s, in percent.'],
  sluice_slm_responses_total: ['counter', 'Responses a service level monitor counted.'],
  sluice_slm_conforming_responses_total: ['counter', 'Responses a service level monitor counted as conforming.'],
  sluice_generation_sessions: ['gauge', 'Live sessions of a generation of an application.'],
  sluice_generation_current: ['gauge', '1 for the current generation of an application, else 0.'],
  sluice_generation_requests_total: ['counter', 'Requests a generation served.'],
  sluice_generation_errors_total: ['counter', 'Requests a generation answered with a 5xx status.'],
  sluice_generation_response_seconds_total: ['counter', 'Time a generation spent on its requests, in seconds (divide by requests for the mean).'],
} as const satisfies Record<string, readonly [MetricType, string]>

type MetricName = keyof typeof METRICS

/** The exposition's content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Renders every metric with its samples, `# HELP` and `# TYPE` lines included. */
export function renderPrometheus(source: StatisticsSource): string {
  const samples = new Map<MetricName, string[]>()
  const add = (name: MetricName, labels: Readonly<Record<string, string>>, value: number, suffix = '') => {
    const list = samples.get(name) ?? []
    samples.set(name, list)
    const text = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')
    list.push(`${name}${suffix}${text === '' ? '' : `{${text}}`} ${formatNumber(value)}`)
  }
  // `_bucket` per bound (cumulative, `le` in seconds), then `_sum` (seconds) and `_count`.
  const addHistogram = (name: MetricName, labels: Readonly<Record<string, string>>, h: Histogram) => {
    const cumulative = h.cumulative()
    for (const [i, n] of cumulative.entries()) {
      const bound = h.boundsMs[i]
      add(name, { ...labels, le: bound === undefined ? '+Inf' : String(bound / 1000) }, n, '_bucket')
    }
    add(name, labels, h.sumMs / 1000, '_sum')
    add(name, labels, h.count, '_count')
  }
  add('sluice_uptime_seconds', {}, Math.max(0, (source.nowMs - source.registry.startedWallMs) / 1000))
  for (const c of source.registry.virtualServers()) {
    const l = { virtual_server: c.name }
    add('sluice_virtual_server_connections_current', l, c.currentConn)
    add('sluice_virtual_server_connections_total', l, c.totalConn)
    add('sluice_virtual_server_connections_refused_total', l, c.connectionsRefused)
    add('sluice_virtual_server_requests_total', l, c.totalRequests)
    const classes = [['1xx', c.http1xx], ['2xx', c.http2xx], ['3xx', c.http3xx], ['4xx', c.http4xx], ['5xx', c.http5xx]] as const
    for (const [code, n] of classes) add('sluice_virtual_server_responses_total', { ...l, code }, n)
    add('sluice_virtual_server_received_bytes_total', l, c.bytesIn)
    add('sluice_virtual_server_sent_bytes_total', l, c.bytesOut)
    add('sluice_virtual_server_connection_errors_total', l, c.connectionErrors)
    add('sluice_virtual_server_linger_timeouts_total', l, c.lingerTimeouts)
    add('sluice_virtual_server_compressed_responses_total', l, c.compressedResponses)
    add('sluice_virtual_server_compression_saved_bytes_total', l, c.compressionBytesSaved)
    addHistogram('sluice_virtual_server_response_time_seconds', l, c.responseTimes)
    add('sluice_virtual_server_response_time_min_seconds', l, c.responseTimeMinMs / 1000)
    add('sluice_virtual_server_response_time_max_seconds', l, c.responseTimeMaxMs / 1000)
  }
  for (const [name, c] of source.webCaches ?? []) {
    const l = { virtual_server: name }
    add('sluice_virtual_server_cache_hits_total', l, c.hits)
    add('sluice_virtual_server_cache_misses_total', l, c.misses)
    add('sluice_virtual_server_cache_stale_hits_total', l, c.staleHits)
    add('sluice_virtual_server_cache_revalidations_total', l, c.revalidations)
    add('sluice_virtual_server_cache_evictions_total', l, c.evictions)
    add('sluice_virtual_server_cache_entries', l, c.entries)
    add('sluice_virtual_server_cache_bytes', l, c.bytes)
  }
  for (const pool of source.pools.values()) {
    const l = { pool: pool.name }
    add('sluice_pool_nodes', l, pool.nodes.length)
    add('sluice_pool_queue_length', l, pool.runtime.queueLength)
    add('sluice_pool_queued_total', l, pool.runtime.totalQueued)
    add('sluice_pool_queue_timeouts_total', l, pool.runtime.queueTimeouts)
    for (const n of pool.nodes) {
      const nl = { pool: pool.name, node: n.config.id }
      add('sluice_pool_node_up', nl, nodeHealth(n) === 'alive' ? 1 : 0)
      for (const state of ['active', 'draining', 'disabled']) add('sluice_pool_node_state', { ...nl, state }, n.config.state === state ? 1 : 0)
      add('sluice_pool_node_connections_current', nl, n.status.activeConnections)
      add('sluice_pool_node_requests_total', nl, n.status.requests)
      add('sluice_pool_node_failures_total', nl, n.status.failures)
      add('sluice_pool_node_sent_bytes_total', nl, n.status.bytesToNode)
      add('sluice_pool_node_received_bytes_total', nl, n.status.bytesFromNode)
      add('sluice_pool_node_response_time_seconds', nl, n.status.responseTimeMs / 1000)
      addHistogram('sluice_pool_node_response_duration_seconds', nl, n.status.responseTimes)
      addHistogram('sluice_pool_node_connect_duration_seconds', nl, n.status.connectTimes)
    }
  }
  for (const [name, p] of source.protection?.entries() ?? []) {
    for (const [reason, n] of Object.entries(p.refused)) add('sluice_protection_refusals_total', { protection: name, reason }, n)
    add('sluice_protection_testing_allowed_total', { protection: name }, p.testingPassed)
  }
  for (const [name, r] of source.rates?.entries() ?? []) {
    const l = { rate: name }
    add('sluice_rate_admitted_total', l, r.counters.admitted)
    add('sluice_rate_queued_total', l, r.counters.queued)
    add('sluice_rate_dropped_total', l, r.counters.dropped)
    add('sluice_rate_refused_total', l, r.counters.refused)
    add('sluice_rate_queue_length', l, r.counters.backlog)
  }
  for (const [name, b] of source.bandwidth?.entries() ?? []) {
    const l = { bandwidth: name }
    add('sluice_bandwidth_bytes_total', l, b.bytes)
    add('sluice_bandwidth_connections_total', l, b.connections)
    add('sluice_bandwidth_maximum_kbits', l, b.settings.kbitPerSecond)
  }
  for (const [name, c] of source.serviceLevels?.entries() ?? []) {
    const l = { service_level_monitor: name }
    add('sluice_slm_conforming_percent', l, c.conforming(source.nowMs))
    add('sluice_slm_responses_total', l, c.responses)
    add('sluice_slm_conforming_responses_total', l, c.conformingResponses)
  }
  for (const g of source.generations ?? []) {
    const l = { virtual_server: g.virtualServer, generation: g.generation, state: g.state }
    add('sluice_generation_sessions', l, g.sessions)
    add('sluice_generation_current', l, g.state === 'current' ? 1 : 0)
    add('sluice_generation_requests_total', l, g.requests)
    add('sluice_generation_errors_total', l, g.errors)
    add('sluice_generation_response_seconds_total', l, g.timeMs / 1000)
  }
  const out: string[] = []
  for (const [name, lines] of samples) {
    const [type, help] = METRICS[name]
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines)
  }
  return `${out.join('\n')}\n`
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf'
  return String(n)
}
