/**
 * Maps a validated vTM pool object to the settings the data plane reads (camelCase, ms).
 * @module
 */
import type { PoolProperties } from '../config/index.ts'
import type { PoolSettings } from '../pool/index.ts'

const SECOND_MS = 1000

export function poolSettings(name: string, p: PoolProperties): PoolSettings {
  return Object.freeze({
    name,
    nodes: Object.freeze(
      p.basic.nodes_table.map((row) =>
        Object.freeze({ id: row.node, weight: row.weight, priority: row.priority, state: row.state }),
      ),
    ),
    algorithm: p.load_balancing.algorithm,
    priorityEnabled: p.load_balancing.priority_enabled,
    priorityNodes: p.load_balancing.priority_nodes,
    failurePool: p.basic.failure_pool,
    maxConnectTimeMs: p.connection.max_connect_time * SECOND_MS,
    maxReplyTimeMs: p.connection.max_reply_time * SECOND_MS,
    maxConnectionAttempts: p.basic.max_connection_attempts,
    maxTimedOutConnectionAttempts: p.basic.max_timed_out_connection_attempts,
    keepalive: p.http.keepalive,
    keepaliveNonIdempotent: p.http.keepalive_non_idempotent,
    http2: p.http.protocol === 'http2',
    maxIdleConnectionsPerNode: p.basic.max_idle_connections_pernode,
    nagle: p.tcp.nagle,
    passiveMonitoring: p.basic.passive_monitoring,
    nodeConnectionAttempts: p.basic.node_connection_attempts,
    retryFailTimeMs: p.node.retry_fail_time * SECOND_MS,
    maxConnectionsPerNode: p.connection.max_connections_per_node,
    maxQueueSize: p.connection.max_queue_size,
    queueTimeoutMs: p.connection.queue_timeout * SECOND_MS,
    persistenceClass: p.basic.persistence_class,
    bandwidthClass: p.basic.bandwidth_class,
  })
}
