/**
 * Rules for trying nodes: which requests may be repeated, and how real traffic's failures count
 * against a node (vTM passive monitoring).
 * @module
 */
import type { Pool, PoolNode } from '../pool/index.ts'

/** RFC 9110 §9.2.2: methods whose requests can be repeated safely. */
export function isIdempotent(method: string): boolean {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'PUT':
    case 'DELETE':
    case 'OPTIONS':
    case 'TRACE':
      return true
    default:
      return false
  }
}

/**
 * Counts a failed connection or reply against `node`. With passive monitoring on, a node that
 * failed `node_connection_attempts` times in a row is skipped for `retry_fail_time`.
 */
export function recordNodeFailure(pool: Pool, node: PoolNode, nowMs: number): void {
  const status = node.status
  status.failures++
  status.consecutiveFailures++
  const settings = pool.settings
  if (settings.passiveMonitoring && status.consecutiveFailures >= settings.nodeConnectionAttempts) {
    status.failedUntilMs = nowMs + settings.retryFailTimeMs
    status.consecutiveFailures = 0
  }
}

/** A working connection clears the run of failures. */
export function recordNodeSuccess(node: PoolNode): void {
  node.status.consecutiveFailures = 0
}
