/**
 * The JSON request-log line: one object per line with stable field names.
 * @module
 */

import type { RequestLogRecord } from './request-log-record.ts'

// Three decimals are plenty for milliseconds and keep lines short.
function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000
}

/**
 * Formats one record as a single-line JSON object (no trailing newline). Field order and names
 * are stable; docs/request-log.md describes them. JSON.stringify escapes quotes, control
 * characters and lone surrogates, so a hostile value cannot break the line.
 */
export function formatJsonRecord(r: RequestLogRecord): string {
  const time = new Date(r.startWallMs)
  return JSON.stringify({
    time: Number.isNaN(time.getTime()) ? null : time.toISOString(),
    client: r.clientIp,
    remote_user: r.remoteUser,
    method: r.method,
    url: r.target,
    protocol: r.httpVersion,
    status: r.status,
    bytes_in: r.bytesIn,
    bytes_out: r.bytesOut,
    duration_ms: round3(r.durationMs),
    node_response_ms: r.nodeResponseMs >= 0 ? round3(r.nodeResponseMs) : null,
    node: r.node,
    pool: r.pool,
    virtual_server: r.virtualServer,
    referer: r.requestHeader('referer') ?? null,
    user_agent: r.requestHeader('user-agent') ?? null,
    content_type: r.responseHeader('content-type') ?? null,
  })
}
